package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.AutoOffsetReset;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pq consume}: prints record values from every partition of a topic, written as stored
 * bytes plus a newline. Without {@code --group} it reads with manual assignment and no committed
 * position, so running it twice prints the same records twice. With {@code --group G} it joins the
 * consumer group G, acks each record once its line is flushed to standard output (at-least-once:
 * a record whose line could not be written is delivered again), and leaves the group before
 * returning, so the next run of the same group continues after the last record printed.
 * {@code --mode ordered|shared} (only with {@code --group}) picks the group's consumption mode;
 * ORDERED is the default.
 */
@Command(name = "consume", header = "Prints the values of a topic's records, one per line.",
        description = {
            "Reads every partition of T. Stops after N records or when no record arrived for M ms. A record "
                    + "without a value prints as an empty line. A count goes to stderr.",
            "",
            "Without --group: starts at the end (only new records) unless --from-beginning, and remembers "
                    + "nothing. With --group: joins consumer group G, acks each record once its line is written "
                    + "to stdout (lines a pipe buffered but its reader never read, as with '| head', count as "
                    + "written: --max N takes exactly N) and leaves the group on exit, so the next run with G continues where this one stopped; "
                    + "--from-beginning only matters where G has no committed offset yet (a new group starts at "
                    + "the end without it). With --no-ack nothing is acked, as if pq had crashed: each run is one "
                    + "more delivery of the same records; after 5 such runs they go to T.dlq and the next run "
                    + "gets the records behind them.",
            "",
            "--mode picks G's consumption mode: ordered (default) owns partitions and prints each in offset "
                    + "order; shared locks records one by one, in no set order. G may change mode between runs. "
                    + "In shared mode a record taken but not acked (--no-ack) stays locked only while pq runs: "
                    + "on exit it is unlocked at once, so the next run prints it again (delivery count + 1), and "
                    + "after 5 runs it goes to T.dlq, as in ordered mode."})
final class ConsumeCommand extends QueueCommand {

    static final long DEFAULT_TIMEOUT_MS = 1000;

    /**
     * The longest wait a poll is given: {@code --timeout-ms} takes any whole number, but a wait is
     * counted in nanoseconds, so past this (146 years) its deadline would overflow; no wait is longer.
     */
    static final long LONGEST_TIMEOUT_MS = Long.MAX_VALUE / 2_000_000;

    /** The client id pq's group members have, as {@code describe-group} would show it. */
    static final String CLIENT_ID = "pq";

    /**
     * The group member's session timeout. pq polls at least every {@code --timeout-ms}, except while
     * standard output is blocked (a pager the user is reading); Kafka's console consumer has five
     * minutes ({@code max.poll.interval.ms}) for that, and so does pq, rather than having its member
     * removed and its acks refused after the default ten seconds.
     */
    static final long SESSION_TIMEOUT_MS = 5 * 60 * 1000;

    /**
     * The longest lock a Kafka broker grants a share group by default
     * ({@code group.share.max.record.lock.duration.ms}); it refuses a group that asks for more, so on
     * Kafka a SHARED member's visibility timeout is this rather than {@link #SESSION_TIMEOUT_MS}.
     */
    static final long KAFKA_MAX_LOCK_MS = 60 * 1000;

    /** Where printed records come from, and what becomes of them once printed. */
    private interface Source {
        List<ConsumerRecord> poll(Duration timeout);

        /**
         * Whether a printed record is acked ({@link #printed}): then each line is flushed on its own
         * and acked only once standard output took it, so that a reader who goes away
         * ({@code | head -2}) leaves the rest of the poll unacked, to be delivered again.
         */
        default boolean acks() {
            return false;
        }

        /** Called once the record's line is written and flushed, when {@link #acks}. */
        default void printed(ConsumerRecord record) {
        }
    }

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.TopicName.class,
            description = "the topic to read")
    String topic;

    @Option(names = "--group", paramLabel = "G", converter = Converters.GroupId.class,
            description = "read as a member of consumer group G, acking what was printed")
    String group;

    @Option(names = "--mode", paramLabel = "MODE", converter = Converters.Mode.class,
            completionCandidates = Converters.ModeNames.class,
            description = "G's consumption mode, ordered (default) or shared; needs --group")
    ConsumptionMode mode;

    @Option(names = "--no-ack", arity = "0", description = "ack nothing, as a crashed consumer; needs --group")
    boolean noAck;

    @Option(names = "--from-beginning", arity = "0",
            description = "start at the first stored record (with --group: where G has no position yet)")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", converter = Converters.PositiveLong.class,
            description = "stop after N records")
    Long max;

    @Option(names = "--timeout-ms", paramLabel = "M", converter = Converters.NonNegativeLong.class,
            description = "stop when no record came for M ms (default " + DEFAULT_TIMEOUT_MS + ")")
    Long timeoutMs;

    ConsumeCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        if (noAck && group == null) {
            throw usageError("--no-ack needs --group: without a group nothing is acked anyway");
        }
        if (mode != null && group == null) {
            throw usageError("--mode needs --group: it is the consumer group's mode");
        }
        long limit = max == null ? Long.MAX_VALUE : max;
        long idleMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        Duration idle = Duration.ofMillis(Math.min(idleMs, LONGEST_TIMEOUT_MS));
        int maxPollRecords = (int) Math.min(limit, 500);
        try (QueueBackend backend = queue.open(true)) {
            long printed = group == null
                    ? consumeAssigned(backend, topic, fromBeginning, maxPollRecords, limit, idle, terminal.out())
                    : consumeInGroup(backend, topic, group, mode == null ? ConsumptionMode.ORDERED : mode,
                    fromBeginning, !noAck, lockMs(), maxPollRecords, limit, idle, terminal.out());
            terminal.err().println("consumed " + Text.records(printed) + " from " + topic
                    + (group == null ? "" : " for group " + group));
            return Pq.EXIT_OK;
        }
    }

    /**
     * A SHARED member's visibility timeout: the session timeout's five minutes in-house, for the
     * same reason as that (a blocked standard output must not let the lock expire and the ack be
     * fenced); on Kafka the most a broker grants by default, {@link #KAFKA_MAX_LOCK_MS}.
     */
    private long lockMs() {
        return queue.bootstrapServer() != null ? KAFKA_MAX_LOCK_MS : SESSION_TIMEOUT_MS;
    }

    private static long consumeAssigned(QueueBackend backend, String topic, boolean fromBeginning, int maxPollRecords,
                                        long max, Duration idle, PrintStream out) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : backend.admin().describeTopic(topic).partitions()) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        ConsumerConfig config = ConsumerConfig.builder().maxPollRecords(maxPollRecords).build();
        try (Consumer consumer = backend.consumer(config)) {
            consumer.assign(partitions);
            if (!fromBeginning) {
                consumer.seekToEnd(partitions);
            }
            return print(consumer::poll, max, idle, out);
        }
    }

    /**
     * As a member of {@code group}: {@code --from-beginning} only decides where partitions the group
     * has no committed position for start, as with Kafka's console consumer; closing the member
     * persists the positions of what was acked. Without {@code ack} nothing is acked, as if the
     * process had crashed: each run is one more delivery of the same records, until they reach the
     * group's maximum and go to the dead-letter topic. In SHARED mode the records are locked to
     * this member rather than its partitions owned; leaving the group unlocks what was not acked at
     * once (locks live in memory only), so a {@code --no-ack} run never makes the next one wait for
     * the visibility timeout. That timeout is {@code lockMs} ({@link #lockMs}).
     */
    private static long consumeInGroup(QueueBackend backend, String topic, String group, ConsumptionMode mode,
                                       boolean fromBeginning, boolean ack, long lockMs,
                                       int maxPollRecords, long max, Duration idle, PrintStream out) {
        GroupConsumerConfig config = GroupConsumerConfig.builder(group)
                .clientId(CLIENT_ID)
                .autoOffsetReset(fromBeginning ? AutoOffsetReset.EARLIEST : AutoOffsetReset.LATEST)
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .maxPollRecords(maxPollRecords)
                .mode(mode)
                .visibilityTimeoutMs(lockMs)
                .build();
        try (GroupConsumer consumer = backend.groupConsumer(config)) {
            consumer.subscribe(List.of(topic));
            return print(new Source() {
                @Override
                public List<ConsumerRecord> poll(Duration timeout) {
                    return consumer.poll(timeout);
                }

                @Override
                public boolean acks() {
                    return ack;
                }

                @Override
                public void printed(ConsumerRecord record) {
                    consumer.ack(record);
                }
            }, max, idle, out);
        }
    }

    /**
     * Polls and prints until {@code max} records or a poll that waited {@code idle} for nothing.
     * A source that acks gets each record once its line has been flushed: a flush per line, as
     * Kafka's console consumer checks its output per record, so that what is acked is what
     * standard output took, not the whole poll. What that does not cover: lines a pipe took into
     * its buffer but its reader never read, since no writer can know of them.
     */
    private static long print(Source source, long max, Duration idle, PrintStream out) {
        long printed = 0;
        while (printed < max) {
            List<ConsumerRecord> records = source.poll(idle);
            if (records.isEmpty()) {
                break;
            }
            int count = (int) Math.min(records.size(), max - printed);
            for (ConsumerRecord record : records.subList(0, count)) {
                byte[] value = record.value();
                if (value != null) {
                    out.write(value, 0, value.length);
                }
                out.write('\n');
                if (source.acks()) {
                    flush(out, printed);
                    source.printed(record);
                }
                printed++;
            }
            // A reader at the other end of a pipe sees each poll's records as they come.
            flush(out, source.acks() ? printed : printed - count);
        }
        return printed;
    }

    /** Flushes {@code out}; a closed or failed standard output stops the command, {@code printed} records done. */
    private static void flush(PrintStream out, long printed) {
        out.flush();
        if (out.checkError()) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "cannot write to standard output; stopped after "
                    + Text.records(printed));
        }
    }
}
