package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.log.LogInspector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Instant;

/**
 * {@code pq dump}: one line per stored record and a check of every batch, straight from the files
 * through {@link LogInspector}. It never opens the queue, so it takes no lock and runs next to the
 * process that owns the directory; it is also how to look at a directory that will not open.
 */
@Command(name = "dump", header = "Lists every stored record of a topic and checks every batch's CRC.",
        description = {
            "One line per record of T (or of partition P): partition, offset, timestamp (UTC), key (quoted, or "
                    + "null) and value size in bytes (or null). Only reads files: works while another process owns "
                    + "DIR, and on the in-house log only. Exit status 1 when a batch is corrupt, naming file, byte "
                    + "and offset, or when a file or directory cannot be read, naming it and the cause."})
final class DumpCommand extends QueueCommand {

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.TopicName.class,
            description = "the topic to list")
    String topic;

    @Option(names = "--partition", paramLabel = "P", converter = Converters.NonNegativeInt.class,
            description = "only this partition")
    Integer partition;

    DumpCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        if (queue.bootstrapServer() != null) {
            throw usageError("dump reads the in-house log's files and checks their CRCs; it does not work on "
                    + "a Kafka cluster (--bootstrap-server)");
        }
        LogInspector inspector = LogInspector.open(queue.existingDataDir(), topic);
        Printer printer = new Printer(terminal.out(), terminal.err());
        LogInspector.Summary summary = partition != null
                ? inspector.inspect(partition, printer)
                : inspector.inspectAll(printer);
        terminal.out().flush();
        terminal.err().println("checked " + Text.records(summary.records()) + " in "
                + Text.count(summary.batches(), "batch", "batches") + ", " + Text.count(summary.segments(), "segment") + " and "
                + Text.count(summary.partitions(), "partition") + " of " + topic + ": "
                + (summary.corruptions() == 0 ? "no corruption" : Text.count(summary.corruptions(), "corruption"))
                + " found");
        return summary.corruptions() == 0 ? Pq.EXIT_OK : Pq.EXIT_FAILED;
    }

    /** Records to stdout, problems to stderr, each on its own line as they are found. */
    private record Printer(PrintStream out, PrintStream err) implements LogInspector.Visitor {

        @Override
        public void record(ConsumerRecord r) {
            out.println("partition=" + r.partition() + " offset=" + r.offset()
                    + " timestamp=" + Instant.ofEpochMilli(r.timestamp())
                    + " key=" + (r.key() == null ? "null" : Text.quote(r.key()))
                    + " size=" + (r.value() == null ? "null" : Integer.toString(r.value().length))
                    + (r.headers().isEmpty() ? "" : " headers=" + r.headers().size()));
        }

        @Override
        public void corruption(CorruptRecordException problem) {
            out.flush();
            err.println("pq: " + problem.getMessage());
        }

        @Override
        public void warning(String message) {
            out.flush();
            err.println("pq: warning: " + message);
        }
    }
}
