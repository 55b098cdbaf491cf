package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicDescription;
import dev.photoqueue.queue.log.LogManager;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * {@code pq produce}: one record per line of standard input. Returns only when every record it
 * sent is acknowledged, and closes the queue before exiting, so what it reports as written is on
 * disk. At a bad line it stops reading, still waits for the lines before, and says how many were
 * written: nothing half-done is left unreported.
 */
@Command(name = "produce", header = "Appends one record per line of standard input.",
        description = {
            "The bytes of a line are stored as they are (UTF-8 expected); a trailing \\r is dropped and an empty "
                    + "line is an empty record. With --keyed a line is KEY<TAB>VALUE and the key picks the "
                    + "partition, as in Kafka.",
            "",
            "Creates T with N partitions (default 1) if missing; if T exists, an explicit --partitions must "
                    + "match it. Returns once every record is acknowledged. Prints nothing on stdout, a summary on "
                    + "stderr. Stops at the first bad line; the lines before it are kept."})
final class ProduceCommand extends QueueCommand {

    private static final int DEFAULT_MAX_RECORD_BYTES = 10 << 20;

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.TopicName.class,
            description = "the topic to append to")
    String topic;

    /** Kafka's protocol carries a topic's partition count as a 32-bit signed number. */
    private static final int KAFKA_MAX_PARTITIONS = Integer.MAX_VALUE;

    @Option(names = "--partitions", paramLabel = "N", converter = Converters.PositiveCount.class,
            description = "partitions of T when it is created (default 1; in-house, at most "
                    + LogManager.MAX_PARTITIONS + ")")
    BigInteger partitions;

    @Option(names = "--keyed", arity = "0", description = "lines are KEY<TAB>VALUE")
    boolean keyed;

    ProduceCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        Integer count = partitionsWithinLimit();
        long written;
        try (QueueBackend backend = queue.open(false)) {
            TopicDescription description = ensureTopic(backend.admin(), topic, count == null ? 1 : count,
                    count != null, terminal.err());
            LineReader lines = new LineReader(terminal.in(), maxRecordBytes(description));
            try (Producer producer = backend.producer()) {
                written = send(producer, topic, keyed, lines);
            }
        }
        // Said once the backend is closed: under fsync=interval its close forces the records, and a
        // force that fails there is exit 1, which must not come after a line saying they were produced.
        terminal.err().println("produced " + Text.records(written) + " to " + topic);
        return Pq.EXIT_OK;
    }

    /**
     * {@code --partitions} as an int, or a usage error naming the limit of the backend it goes to:
     * checked before the queue is opened, so that nothing is created for it.
     */
    private Integer partitionsWithinLimit() {
        if (partitions == null) {
            return null;
        }
        boolean kafka = queue.bootstrapServer() != null;
        int limit = kafka ? KAFKA_MAX_PARTITIONS : LogManager.MAX_PARTITIONS;
        if (partitions.compareTo(BigInteger.valueOf(limit)) > 0) {
            throw usageError("--partitions must be at most " + limit + (kafka
                    ? " (a Kafka topic's partition count is a 32-bit number)"
                    : " (the in-house log's limit on a topic's partitions)") + ", got " + partitions);
        }
        return partitions.intValue();
    }

    /** Creates the topic if missing; an existing one must have the partition count asked for, if any. */
    private static TopicDescription ensureTopic(Admin admin, String topic, int partitions, boolean explicit,
                                                PrintStream err) {
        if (admin.createTopicIfAbsent(new NewTopic(topic, partitions))) {
            err.println("created topic " + topic + " with " + Text.count(partitions, "partition"));
        }
        TopicDescription description = admin.describeTopic(topic);
        int existing = description.partitions().size();
        if (explicit && existing != partitions) {
            throw new CommandFailedException(Pq.EXIT_USAGE, "topic \"" + topic + "\" exists with " + existing
                    + " partitions, not " + partitions + " as --partitions says; leave --partitions out to use it");
        }
        return description;
    }

    /** A line cannot make a bigger record than the topic takes; the cap keeps a runaway line out of the heap. */
    private static int maxRecordBytes(TopicDescription description) {
        String value = description.configs().get(TopicConfigs.MAX_RECORD_BYTES);
        try {
            return value == null ? DEFAULT_MAX_RECORD_BYTES : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_RECORD_BYTES;
        }
    }

    /** Sends every line and waits for all acknowledgements; returns how many records were written. */
    private static long send(Producer producer, String topic, boolean keyed, LineReader lines) {
        PendingAcks acks = new PendingAcks();
        CommandFailedException stoppedAt = null;
        try {
            try {
                byte[] line;
                while (acks.failure() == null && (line = lines.next()) != null) {
                    ProducerRecord record = keyed ? keyedRecord(topic, line, lines.lineNumber())
                            : ProducerRecord.of(topic, (byte[]) null, line);
                    acks.add(lines.lineNumber(), producer.send(record));
                }
            } catch (CommandFailedException e) {
                stoppedAt = e;
            } catch (LineReader.LineTooLongException e) {
                stoppedAt = new CommandFailedException(Pq.EXIT_FAILED, e.getMessage() + ", the most a record of "
                        + topic + " may take (" + TopicConfigs.MAX_RECORD_BYTES + ")");
            } catch (IOException e) {
                stoppedAt = new CommandFailedException(Pq.EXIT_FAILED, "cannot read standard input: "
                        + StorageException.reason(e));
            }
            producer.flush();
            acks.awaitAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException(Pq.EXIT_FAILED, "interrupted while waiting for acknowledgements");
        }
        return outcome(acks, stoppedAt, topic);
    }

    /**
     * How many records were written, or the failure that ends the command: the first line that was
     * not written and why in words (a cause without a message too), else the line input stopped at.
     */
    static long outcome(PendingAcks acks, CommandFailedException stoppedAt, String topic) {
        PendingAcks.Failure failure = acks.failure();
        if (failure != null) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "line " + failure.line() + " was not written: "
                    + StorageException.reason(failure.cause()) + " (" + acks.acknowledged() + " of "
                    + Text.records(acks.sent()) + " sent written to " + topic + ")");
        }
        if (stoppedAt != null) {
            long written = acks.acknowledged();
            throw new CommandFailedException(stoppedAt.exitCode(), stoppedAt.getMessage() + "; "
                    + Text.records(written) + " before it " + (written == 1 ? "was" : "were") + " written to " + topic);
        }
        return acks.acknowledged();
    }

    private static ProducerRecord keyedRecord(String topic, byte[] line, long lineNumber) {
        int tab = indexOf(line, (byte) '\t');
        if (tab < 0) {
            throw new CommandFailedException(Pq.EXIT_USAGE, "line " + lineNumber
                    + " has no TAB between key and value (--keyed expects KEY<TAB>VALUE)");
        }
        return ProducerRecord.of(topic, Arrays.copyOfRange(line, 0, tab),
                Arrays.copyOfRange(line, tab + 1, line.length));
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
