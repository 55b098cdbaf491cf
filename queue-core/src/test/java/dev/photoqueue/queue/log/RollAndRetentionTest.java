package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Segments roll before they pass {@code segment.bytes} and once they are {@code segment.ms} old;
 * retention deletes whole sealed segments only, by the age of their newest record or while the
 * partition stays at or above {@code retention.bytes}, and moves the start offset with them.
 */
class RollAndRetentionTest {

    private static final String TOPIC = "r";
    /** Each record below is one batch of 39 + 28 + 100 bytes. */
    private static final int BATCH_BYTES = 167;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    private LogManager open() {
        return LogManager.open(dir, options(clock));
    }

    private static Rec record(long timestamp, int i) {
        byte[] value = new byte[100];
        value[0] = (byte) i;
        value[99] = (byte) (i >> 8);
        return new Rec(timestamp, null, value, List.of());
    }

    /** Appends {@code count} one-record batches, the clock moving {@code stepMs} before each. */
    private List<Rec> appendBatches(PartitionLog log, int count, long stepMs) {
        List<Rec> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clock.advance(stepMs);
            Rec rec = record(clock.millis(), i);
            appendAndWait(log, rec);
            written.add(rec);
        }
        return written;
    }

    private Path partition() {
        return partitionDir(dir, TOPIC, 0);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rollsBeforeSegmentWouldPassSegmentBytes() {
        try (LogManager manager = open()) {
            PartitionLog log = manager.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_BYTES, "1024")).partition(0);
            List<Rec> written = appendBatches(log, 50, 1);
            List<Path> segments = segmentFiles(partition());
            int perSegment = 1024 / BATCH_BYTES;
            assertEquals((50 + perSegment - 1) / perSegment, segments.size());
            for (int i = 0; i < segments.size(); i++) {
                long expectedBase = (long) i * perSegment;
                assertEquals(expectedBase, baseOffsetOf(segments.get(i)));
                if (i < segments.size() - 1) {
                    assertEquals((long) perSegment * BATCH_BYTES, size(segments.get(i)), segments.get(i).toString());
                }
            }
            assertLogEquals(written, 0, log, "after rolling by size");
        }
    }

    @Test
    void rollsWhenActiveSegmentIsOlderThanSegmentMs() {
        try (LogManager manager = open()) {
            PartitionLog log = manager.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_MS, "60000")).partition(0);
            appendBatches(log, 1, 0);
            appendBatches(log, 1, 59_999);
            assertEquals(1, log.segmentCount(), "59.999 s after the first batch");
            appendBatches(log, 1, 1);
            assertEquals(2, log.segmentCount(), "60 s after the first batch");
            assertEquals(List.of(0L, 2L), segmentFiles(partition()).stream().map(LogTestSupport::baseOffsetOf).toList());
        }
    }

    @Test
    void doesNotRollEveryBatchWhenRecordTimestampsAreOld() {
        try (LogManager manager = open()) {
            PartitionLog log = manager.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_MS, "60000")).partition(0);
            // Producers may set their own timestamps, e.g. when a photo was taken, years ago.
            for (int i = 0; i < 20; i++) {
                appendAndWait(log, record(1_000L + i, i));
            }
            assertEquals(1, log.segmentCount(), "a segment written within a second is not 60 s old");
            clock.advance(60_000);
            appendAndWait(log, record(2_000L, 20));
            assertEquals(2, log.segmentCount(), "once the segment is 60 s old by the log's clock it rolls");
        }
    }

    @Test
    void retentionByAgeDeletesWholeSealedSegmentsAndMovesStartOffset() {
        try (LogManager manager = open()) {
            PartitionLog log = manager.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_BYTES, "1024",
                    TopicConfigs.RETENTION_MS, "10000")).partition(0);
            List<Rec> written = appendBatches(log, 30, 1000);
            List<Long> bases = segmentFiles(partition()).stream().map(LogTestSupport::baseOffsetOf).toList();
            assertEquals(5, bases.size());
            // Offsets 0..11 (segments 0 and 1) are older than 10 s; segment 2 holds offset 12 at the cut-off.
            long cutoff = written.get(12).timestamp();
            clock.advance(cutoff + 10_000 - clock.millis());
            assertEquals(2, log.applyRetention());
            assertEquals(bases.get(2), log.startOffset());
            assertEquals(3, log.segmentCount());
            assertFalse(Files.exists(segmentFiles(partition()).get(0).resolveSibling(LogFiles.segmentName(0) + ".log")));
            assertEquals(bases.subList(2, 5), segmentFiles(partition()).stream().map(LogTestSupport::baseOffsetOf).toList());
            assertLogEquals(written.subList(12, 30), 12, log, "after retention by age");
            OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> log.read(11, 1000));
            assertTrue(e.getMessage().contains("valid offsets are 12..30"), e.getMessage());
            assertEquals(12, e.logStartOffset());
            assertEquals(30, e.logEndOffset());
            assertEquals(0, log.applyRetention(), "nothing more is old enough");
        }
        try (LogManager manager = open()) {
            PartitionLog log = manager.topic(TOPIC).partition(0);
            assertEquals(12, log.startOffset(), "the start offset after a reopen");
            assertEquals(30, log.endOffset());
        }
    }

    @Test
    void retentionByAgeNeverDeletesActiveSegment() {
        try (LogManager manager = open()) {
            PartitionLog log = manager.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_BYTES, "1024",
                    TopicConfigs.RETENTION_MS, "10000")).partition(0);
            List<Rec> written = appendBatches(log, 15, 1);
            long activeBase = baseOffsetOf(segmentFiles(partition()).get(2));
            clock.advance(1_000_000);
            assertEquals(2, log.applyRetention());
            assertEquals(1, log.segmentCount());
            assertEquals(activeBase, log.startOffset());
            assertLogEquals(written.subList((int) activeBase, 15), activeBase, log, "only the active segment left");
            assertEquals(0, log.applyRetention(), "the active segment stays however old");
            assertEquals(15, appendAndWait(log, record(clock.millis(), 15)));
        }
    }

    @Test
    void retentionByBytesKeepsAtLeastRetentionBytes() {
        try (LogManager manager = open()) {
            PartitionLog log = manager.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_BYTES, "1024",
                    TopicConfigs.RETENTION_BYTES, "2500")).partition(0);
            List<Rec> written = appendBatches(log, 40, 1);
            long perSegment = (1024 / BATCH_BYTES) * (long) BATCH_BYTES;
            assertEquals(7, log.segmentCount());
            long total = log.sizeInBytes();
            assertEquals(40L * BATCH_BYTES, total);
            int deleted = log.applyRetention();
            // Kafka's rule: delete the oldest while what remains is still at least retention.bytes.
            assertEquals((int) ((total - 2500) / perSegment), deleted);
            assertTrue(log.sizeInBytes() >= 2500, "kept " + log.sizeInBytes());
            assertTrue(log.sizeInBytes() - perSegment < 2500, "could have deleted one more: " + log.sizeInBytes());
            long start = log.startOffset();
            assertEquals(deleted * (perSegment / BATCH_BYTES), start);
            assertLogEquals(written.subList((int) start, 40), start, log, "after retention by bytes");
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(start - 1, 1000));
        }
    }

    @Test
    void retentionByBytesNeverDeletesActiveSegment() {
        try (LogManager manager = open()) {
            PartitionLog log = manager.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_BYTES, "1024",
                    TopicConfigs.RETENTION_BYTES, "0")).partition(0);
            appendBatches(log, 20, 1);
            log.applyRetention();
            assertEquals(1, log.segmentCount());
            assertEquals(20, log.endOffset());
            assertTrue(log.sizeInBytes() > 0, "the active segment keeps its records");
        }
    }
}
