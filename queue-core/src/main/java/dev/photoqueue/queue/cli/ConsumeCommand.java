package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code pq consume}: prints record values from every partition of a topic, with manual
 * assignment (there are no groups to join yet) and no committed position, so running it twice
 * prints the same records twice. Values are written as stored bytes plus a newline.
 */
final class ConsumeCommand implements Command {

    static final long DEFAULT_TIMEOUT_MS = 1000;

    @Override
    public String name() {
        return "consume";
    }

    @Override
    public Set<Option> options() {
        return EnumSet.of(Option.TOPIC, Option.FROM_BEGINNING, Option.MAX, Option.TIMEOUT_MS);
    }

    @Override
    public int run(Arguments args, Terminal terminal) {
        String topic = args.required(Option.TOPIC);
        long max = args.longValue(Option.MAX, Long.MAX_VALUE, 1);
        Duration idle = Duration.ofMillis(args.longValue(Option.TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 0));
        boolean fromBeginning = args.has(Option.FROM_BEGINNING);
        try (QueueBackend backend = DataDirectory.open(DataDirectory.requireExisting(args.dataDir()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : backend.admin().describeTopic(topic).partitions()) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            ConsumerConfig config = ConsumerConfig.builder().maxPollRecords((int) Math.min(max, 500)).build();
            try (Consumer consumer = backend.consumer(config)) {
                consumer.assign(partitions);
                if (!fromBeginning) {
                    consumer.seekToEnd(partitions);
                }
                long printed = print(consumer, max, idle, terminal.out());
                terminal.err().println("consumed " + Text.records(printed) + " from " + topic);
                return Pq.EXIT_OK;
            }
        }
    }

    /** Polls and prints until {@code max} records or a poll that waited {@code idle} for nothing. */
    private static long print(Consumer consumer, long max, Duration idle, PrintStream out) {
        long printed = 0;
        while (printed < max) {
            List<ConsumerRecord> records = consumer.poll(idle);
            if (records.isEmpty()) {
                break;
            }
            for (int i = 0; i < records.size() && printed < max; i++) {
                byte[] value = records.get(i).value();
                if (value != null) {
                    out.write(value, 0, value.length);
                }
                out.write('\n');
                printed++;
            }
            // A reader at the other end of a pipe sees each poll's records as they come.
            out.flush();
            if (out.checkError()) {
                throw new CommandFailedException(Pq.EXIT_FAILED, "cannot write to standard output; stopped after "
                        + Text.records(printed));
            }
        }
        return printed;
    }
}
