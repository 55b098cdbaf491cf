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
}
