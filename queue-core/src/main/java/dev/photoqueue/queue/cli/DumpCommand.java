package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.log.LogInspector;

import java.io.PrintStream;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code pq dump}: one line per stored record and a check of every batch, straight from the files
 * through {@link LogInspector}. It never opens the queue, so it takes no lock and runs next to the
 * process that owns the directory; it is also how to look at a directory that will not open.
 */
final class DumpCommand implements Command {

    @Override
    public String name() {
        return "dump";
    }

    @Override
    public Set<Option> options() {
        return EnumSet.of(Option.TOPIC, Option.PARTITION);
    }

    @Override
    public int run(Arguments args, Terminal terminal) {
        String topic = args.required(Option.TOPIC);
        int partition = args.intValue(Option.PARTITION, -1, 0);
        if (args.bootstrapServer() != null) {
            throw new UsageException("dump reads the in-house log's files and checks their CRCs; it does not work on "
                    + "a Kafka cluster (" + Option.BOOTSTRAP_SERVER + ")");
        }
        LogInspector inspector = LogInspector.open(DataDirectory.requireExisting(args.dataDir()), topic);
        Printer printer = new Printer(terminal.out(), terminal.err());
        LogInspector.Summary summary = args.has(Option.PARTITION)
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
