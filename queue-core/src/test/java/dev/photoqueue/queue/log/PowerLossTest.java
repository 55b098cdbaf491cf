package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.env.SimulatedDisk;
import dev.photoqueue.queue.env.VirtualTime;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power losses at random moments on a {@link SimulatedDisk}: everything written since the last
 * successful force is lost, the page after it may be torn or partly written back. After each,
 * reopening (which recovers) must keep every record acknowledged under {@code fsync=always}, and
 * under {@code fsync=interval} every record below the partition's forced offset when the power
 * went; a record that is there is one that was sent, at most once, at the offset its
 * acknowledgement named if it had one. Seeded: a failure names its seed and round.
 */
class PowerLossTest {

    private static final Path DATA = Path.of("/power-loss/data");
    private static final int SEEDS = 150;
    private static final int LOSSES_PER_SEED = 6;

    @Test
    void acknowledgedRecordsSurvivePowerLossesAsTheirFsyncPolicyPromises() {
        int losses = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            losses += run(seed);
        }
        assertEquals(SEEDS * LOSSES_PER_SEED, losses);
    }

    private int run(long seed) {
        Random random = new Random(seed);
        SimulatedDisk disk = new SimulatedDisk();
        disk.createDurableDirectories(DATA.getParent());
        VirtualTime time = new VirtualTime();
        Map<String, Long> acked = new HashMap<>();
        Map<String, String> topicOf = new HashMap<>();
        int sent = 0;
        LogManager log = open(disk, time);
        for (int loss = 1; loss <= LOSSES_PER_SEED; loss++) {
            int appends = random.nextInt(300);
            for (int i = 0; i < appends; i++) {
                String topic = random.nextBoolean() ? "always" : "interval";
                String payload = topic.charAt(0) + Integer.toString(sent++) + "x".repeat(random.nextInt(200));
                topicOf.put(payload, topic);
                CompletableFuture<RecordMetadata> f = log.topic(topic).partition(0).append(time.millis(), null,
                        payload.getBytes(StandardCharsets.UTF_8), List.of());
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    acked.put(payload, f.join().offset());
                }
                if (random.nextInt(10) == 0) {
                    time.advance(TimeUnit.MILLISECONDS.toNanos(random.nextInt(80)));
                }
            }
            long intervalForced = log.topic("interval").partition(0).flushedOffset();
            disk.powerLoss(random);
            time.forgetTimers();
            log = open(disk, time);
            String where = "seed " + seed + ", power loss " + loss;
            check(log, "always", Long.MAX_VALUE, acked, topicOf, where);
            check(log, "interval", intervalForced, acked, topicOf, where);
        }
        return LOSSES_PER_SEED;
    }

    private static LogManager open(SimulatedDisk disk, VirtualTime time) {
        LogManager.Options options = new LogManager.Options(LogConfig.DEFAULTS.with(Map.of(
                TopicConfigs.SEGMENT_BYTES, "4096", LogConfig.MAX_INDEX_BYTES, "1024",
                LogConfig.INDEX_INTERVAL_BYTES, "256", LogConfig.BATCH_BYTES, "4096", TopicConfigs.FLUSH_MS, "50")),
                LogTestSupport.NO_BACKGROUND_RETENTION_MS, time.env(disk.process()));
        LogManager log = LogManager.open(DATA, options);
        if (log.findTopic("always").isEmpty()) {
            log.createTopic("always", 1, Map.of(TopicConfigs.FSYNC, "always"));
            log.createTopic("interval", 1, Map.of(TopicConfigs.FSYNC, "interval"));
        }
        return log;
    }

    /**
     * Checks a partition after reopening, and forgets the acknowledged records a power loss may
     * take back and did (their offsets are taken by later records).
     */
    private static void check(LogManager log, String topic, long durableBelow, Map<String, Long> acked,
                              Map<String, String> topicOf, String where) {
        PartitionLog partition = log.topic(topic).partition(0);
        Map<String, Long> present = new HashMap<>();
        for (ConsumerRecord r : LogTestSupport.readAll(partition, partition.startOffset(), 1 << 16)) {
            String payload = new String(r.value(), StandardCharsets.UTF_8);
            assertEquals(topic, topicOf.get(payload), where + ": " + topic + "@" + r.offset() + " holds " + payload
                    + ", never sent to it");
            assertTrue(present.put(payload, r.offset()) == null, where + ": " + payload + " is there twice");
            Long ackedAt = acked.get(payload);
            assertTrue(ackedAt == null || ackedAt == r.offset(), where + ": " + payload + " acknowledged at "
                    + ackedAt + " is at " + r.offset());
        }
        List<String> lost = new ArrayList<>();
        acked.forEach((payload, offset) -> {
            if (topicOf.get(payload).equals(topic) && !present.containsKey(payload)) {
                assertTrue(offset >= durableBelow, where + ": " + payload + ", acknowledged at " + topic + "@"
                        + offset + " and durable below " + durableBelow + ", is gone");
                lost.add(payload);
            }
        });
        lost.forEach(acked::remove);
        // What is there now was forced by recovery: it counts as acknowledged from here on.
        present.forEach(acked::put);
    }
}
