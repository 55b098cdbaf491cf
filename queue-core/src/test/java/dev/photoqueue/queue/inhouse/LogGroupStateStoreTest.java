package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.CommittedPosition;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The positions log stays short: once it passes its threshold the store writes every current
 * position again as a snapshot and deletes the segments before it, and a reopened store still
 * loads every group's latest position, also of a group that last persisted long before the
 * snapshots (its position lives on only in them), also after a restart.
 */
class LogGroupStateStoreTest {

    private static final long THRESHOLD = 8 << 10;
    private static final int SEGMENT_BYTES = 2048;
    private static final TopicPartition BUSY_TP = new TopicPartition("jobs", 0);

    @TempDir
    Path dir;

    /** The internal topic with small segments, so the threshold spans several of them. */
    private static PartitionLog createPositionsTopic(LogManager log) {
        return log.createTopic(LogGroupStateStore.TOPIC, 1, Map.of(TopicConfigs.SEGMENT_BYTES,
                String.valueOf(SEGMENT_BYTES), TopicConfigs.RETENTION_MS, "-1")).partition(0);
    }

    /** Persists {@code count} moves of the busy group, checking after each that the log stays short. */
    private static void persistMany(LogGroupStateStore store, PartitionLog positions, int count, Map<String,
            Map<TopicPartition, CommittedPosition>> expected, long from) {
        for (int i = 0; i < count; i++) {
            TopicPartition tp = new TopicPartition(BUSY_TP.topic(), i % 3);
            CommittedPosition position = new CommittedPosition(from + i, List.of(from + i + 2));
            store.persist("busy", Map.of(tp, position), false).join();
            expected.computeIfAbsent("busy", g -> new HashMap<>()).put(tp, position);
            assertTrue(positions.sizeInBytes() <= THRESHOLD + 2 * SEGMENT_BYTES, "the positions log holds "
                    + positions.sizeInBytes() + " bytes after " + i + " persists, threshold " + THRESHOLD);
        }
    }

    @Test
    void snapshotsAndDeletesSupersededSegmentsAndKeepsEveryLatestPositionAcrossRestarts() {
        Map<String, Map<TopicPartition, CommittedPosition>> expected = new HashMap<>();
        CommittedPosition dormant = new CommittedPosition(7, List.of(9L, 12L));
        TopicPartition dormantTp = new TopicPartition("photos", 2);
        expected.put("dormant", new HashMap<>(Map.of(dormantTp, dormant)));
        long startAfterFirstRun;
        try (LogManager log = LogManager.open(dir)) {
            PartitionLog positions = createPositionsTopic(log);
            LogGroupStateStore store = new LogGroupStateStore(log, THRESHOLD, true);
            assertEquals(Map.of(), store.load());
            store.persist("dormant", Map.of(dormantTp, dormant), false).join();
            persistMany(store, positions, 1000, expected, 0);
            startAfterFirstRun = positions.startOffset();
            assertTrue(startAfterFirstRun > 0, "superseded segments were deleted");
            assertTrue(positions.endOffset() - startAfterFirstRun < 1000, "the log keeps "
                    + (positions.endOffset() - startAfterFirstRun) + " of " + positions.endOffset() + " records");
        }
        try (LogManager log = LogManager.open(dir)) {
            PartitionLog positions = log.topic(LogGroupStateStore.TOPIC).partition(0);
            LogGroupStateStore store = new LogGroupStateStore(log, THRESHOLD, true);
            assertEquals(expected, store.load(), "after the first restart");
            persistMany(store, positions, 1000, expected, 5000);
            assertTrue(positions.startOffset() > startAfterFirstRun, "snapshots go on after a restart");
        }
        try (LogManager log = LogManager.open(dir)) {
            assertEquals(expected, new LogGroupStateStore(log, THRESHOLD, true).load(),
                    "the dormant group's position survived snapshots made by a store that only loaded it");
        }
    }

    @Test
    void belowTheThresholdNothingIsDeleted() {
        try (LogManager log = LogManager.open(dir)) {
            PartitionLog positions = createPositionsTopic(log);
            LogGroupStateStore store = new LogGroupStateStore(log, 1L << 30, true);
            for (int i = 0; i < 300; i++) {
                store.persist("g", Map.of(BUSY_TP, CommittedPosition.at(i)), false).join();
            }
            assertEquals(0, positions.startOffset());
            assertEquals(300, positions.endOffset());
            assertTrue(positions.segmentCount() > 1, "several segments, all kept");
        }
    }

    @Test
    void deliveryStateSurvivesARestartAndValuesWithoutItStillLoad() throws Exception {
        TopicPartition tp = new TopicPartition("photos", 1);
        CommittedPosition withCounts = new CommittedPosition(4, List.of(6L), 9, Map.of(5L, 3, 7L, 2));
        try (LogManager log = LogManager.open(dir)) {
            PartitionLog positions = createPositionsTopic(log);
            // A value as written before delivery counts were persisted: it ends after the acked offsets.
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
                out.writeUTF("photos");
                out.writeInt(0);
                out.writeLong(12);
                out.writeInt(1);
                out.writeLong(14);
            }
            positions.append(0, "old".getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes.toByteArray(),
                    List.of()).join();
            new LogGroupStateStore(log, true).persist("new", Map.of(tp, withCounts), false).join();
        }
        try (LogManager log = LogManager.open(dir)) {
            Map<String, Map<TopicPartition, CommittedPosition>> loaded = new LogGroupStateStore(log, true).load();
            assertEquals(new CommittedPosition(12, List.of(14L)), loaded.get("old").get(new TopicPartition("photos", 0)));
            assertEquals(-1, loaded.get("old").get(new TopicPartition("photos", 0)).highestDelivered());
            assertEquals(withCounts, loaded.get("new").get(tp));
        }
    }
}
