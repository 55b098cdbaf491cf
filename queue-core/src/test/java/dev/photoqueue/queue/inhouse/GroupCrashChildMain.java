package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Run by {@link GroupCrashRecoveryTest} in a child JVM: a worker of group {@value #GROUP} on topic
 * {@value #TOPIC}, at-least-once. For each record it "processes" (waits {@code delayMicros}, then
 * appends {@code partition offset value nanoTime} as one line to the output file, a single write
 * that reaches the OS before the next step) and only then acks. It stops, closing cleanly and
 * printing {@code DONE}, once the group has no lag left; the test may kill it long before.
 *
 * <p>Arguments: {@code DATA_DIR OUT_FILE DELAY_MICROS in-order|shuffled SEED}. With
 * {@code shuffled} each poll's records are processed and acked in a random order, so acks arrive
 * out of order and the persisted positions carry acked-above offsets.
 */
public final class GroupCrashChildMain {

    static final String GROUP = "G";
    static final String TOPIC = "jobs";

    private GroupCrashChildMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long delayNanos = TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[2]));
        boolean shuffled = args[3].equals("shuffled");
        Random random = new Random(Long.parseLong(args[4]));
        try (QueueBackend backend = InhouseTestSupport.open(dataDir, "auto.create.topics", "false");
             FileOutputStream lines = new FileOutputStream(out.toFile(), true)) {
            GroupConsumer consumer = backend.groupConsumer(GroupConsumerConfig.builder(GROUP).clientId("child")
                    .maxPollRecords(20).build());
            consumer.subscribe(List.of(TOPIC));
            while (true) {
                List<ConsumerRecord> records = new ArrayList<>(consumer.poll(Duration.ofMillis(50)));
                if (records.isEmpty()) {
                    if (backend.admin().describeGroup(GROUP).totalLag() == 0) {
                        break;
                    }
                    continue;
                }
                if (shuffled) {
                    Collections.shuffle(records, random);
                }
                for (ConsumerRecord r : records) {
                    if (delayNanos > 0) {
                        LockSupport.parkNanos(delayNanos);
                    }
                    String line = r.partition() + " " + r.offset() + " " + r.valueAsString() + " " + System.nanoTime()
                            + "\n";
                    lines.write(line.getBytes(StandardCharsets.UTF_8));
                    consumer.ack(r);
                }
            }
            consumer.close();
        }
        System.out.println("DONE");
    }
}
