package dev.photoqueue.queue.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link PartitionLog#bytesFrom}: the whole partition from its start, nothing from its end, and in
 * between the exact tail where the index has an entry, over by at most the index interval elsewhere.
 */
class BytesFromTest {

    /** Each record below is one batch of 39 + 28 + 100 bytes. */
    private static final int BATCH_BYTES = 167;

    @TempDir
    Path dir;

    @Test
    void bytesFromCountsTheTailThroughTheIndexAcrossSegments() {
        try (LogManager manager = LogManager.open(dir)) {
            // An index entry every batch makes the count exact; segments of 10 batches make it span files.
            PartitionLog log = manager.createTopic("t", 1, settings("index.interval.bytes", "1",
                    "segment.bytes", String.valueOf(10 * BATCH_BYTES))).partition(0);
            for (int i = 0; i < 35; i++) {
                appendAndWait(log, new Rec(1000 + i, null, new byte[100], List.of()));
            }
            assertTrue(log.segmentCount() > 1, "segments: " + log.segmentCount());
            assertEquals(log.sizeInBytes(), log.bytesFrom(0));
            assertEquals(35L * BATCH_BYTES, log.bytesFrom(0));
            for (long offset = 0; offset <= 35; offset++) {
                assertEquals((35 - offset) * BATCH_BYTES, log.bytesFrom(offset), "from offset " + offset);
            }
            assertEquals(0, log.bytesFrom(1_000));
        }
    }

    @Test
    void bytesFromBetweenIndexEntriesIsOverByAtMostTheInterval() {
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 1, settings("index.interval.bytes", "1000")).partition(0);
            for (int i = 0; i < 50; i++) {
                appendAndWait(log, new Rec(1000 + i, null, new byte[100], List.of()));
            }
            for (long offset = 0; offset < 50; offset++) {
                long exact = (50 - offset) * BATCH_BYTES;
                long counted = log.bytesFrom(offset);
                assertTrue(counted >= exact && counted <= exact + 1000 + BATCH_BYTES,
                        "from offset " + offset + ": " + counted + " bytes, exactly " + exact);
            }
        }
    }
}
