package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A read from any offset starts at that offset, whatever the fetch size and wherever the sparse
 * index puts the nearest entry, returns at least one whole batch, and never skips a record.
 */
class PartitionReadTest {

    @TempDir
    Path dir;

    @Test
    void readFromAnyOffsetStartsThereEvenWithTinyFetches() {
        try (LogManager manager = LogManager.open(dir)) {
            // Default index interval (4 KiB) over batches of about 80 bytes: most offsets are far from an entry.
            PartitionLog log = manager.createTopic("t", 1, settings(TopicConfigs.SEGMENT_BYTES, "20000")).partition(0);
            List<Rec> written = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                Rec rec = new Rec(i, null, bytes("value number " + i + " with some padding"), List.of());
                written.add(rec);
                appendAndWait(log, rec);
            }
            assertTrue(log.segmentCount() >= 2, "want several segments, got " + log.segmentCount());
            for (int maxBytes : new int[] {1, 100, 1000}) {
                for (int offset = 0; offset < written.size(); offset++) {
                    PartitionLog.Fetch fetch = log.read(offset, maxBytes);
                    String context = "read at " + offset + " with maxBytes " + maxBytes;
                    assertFalse(fetch.records().isEmpty(), context + " returned nothing");
                    ConsumerRecord first = fetch.records().get(0);
                    written.get(offset).assertMatches(offset, first, context);
                    assertEquals(offset + fetch.records().size(), fetch.nextOffset(), context + ": next offset");
                }
            }
        }
    }

    @Test
    void readsFollowingRememberedPositionsCoverEveryRecordOnce() {
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 1, settings(TopicConfigs.SEGMENT_BYTES, "4096",
                    LogConfig.INDEX_INTERVAL_BYTES, "512")).partition(0);
            List<Rec> written = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                Rec rec = new Rec(i, bytes("k" + i), new byte[i % 97], List.of());
                written.add(rec);
                log.append(rec.timestamp(), rec.key(), rec.value(), rec.headers());
                if (i % 7 == 0) {
                    log.drain();
                }
            }
            log.drain();
            for (int maxBytes : new int[] {1, 333, 5000}) {
                assertLogEquals(written, 0, log, "fetches of " + maxBytes + " bytes");
                List<ConsumerRecord> all = readAll(log, 0, maxBytes);
                for (int i = 0; i < all.size(); i++) {
                    written.get(i).assertMatches(i, all.get(i), "fetches of " + maxBytes + " bytes");
                }
            }
        }
    }

    @Test
    void readBoundedByRecordsStopsAtTheBatchThatReachesTheCountAndResumesThere() {
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 1, settings()).partition(0);
            List<Rec> written = new ArrayList<>();
            // Batches of at most 10 records (drained after every tenth; the writer thread may cut them
            // smaller), 300 records in all.
            for (int i = 0; i < 300; i++) {
                Rec rec = new Rec(i, null, bytes("value " + i), List.of());
                written.add(rec);
                log.append(rec.timestamp(), rec.key(), rec.value(), rec.headers());
                if (i % 10 == 9) {
                    log.drain();
                }
            }
            List<ConsumerRecord> all = new ArrayList<>();
            PartitionLog.Fetch previous = null;
            long next = 0;
            while (next < written.size()) {
                PartitionLog.Fetch fetch = log.read(next, 1 << 20, 25, previous);
                // Whole batches until the count is reached: at least 25 (or what is left), and at
                // most 24 more than that from the batch that reached it.
                int size = fetch.records().size();
                long left = written.size() - next;
                assertTrue(size >= Math.min(25, left) && size <= Math.min(34, left),
                        "read at " + next + " returned " + size + " records");
                all.addAll(fetch.records());
                next = fetch.nextOffset();
                previous = fetch;
            }
            assertEquals(written.size(), all.size());
            for (int i = 0; i < all.size(); i++) {
                written.get(i).assertMatches(i, all.get(i), "reads bounded by 25 records");
            }
        }
    }
}
