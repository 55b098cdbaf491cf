package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.*;

class PartitionLogTest {

    @TempDir
    Path dir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<ConsumerRecord> readAll(PartitionLog log, long from) {
        List<ConsumerRecord> all = new ArrayList<>();
        long next = from;
        PartitionLog.Fetch previous = null;
        while (next < log.endOffset()) {
            PartitionLog.Fetch fetch = log.read(next, 4096, previous);
            assertFalse(fetch.records().isEmpty(), "no progress at offset " + next);
            all.addAll(fetch.records());
            next = fetch.nextOffset();
            previous = fetch;
        }
        return all;
    }

    @Test
    void appendedRecordsReadBackWithOffsetsKeysValuesAndHeaders() throws Exception {
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 1, Map.of()).partition(0);
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                sends.add(log.append(1000 + i, i % 3 == 0 ? null : bytes("k" + i), bytes("v" + i),
                        i % 2 == 0 ? List.of(Header.of("h", "x" + i)) : List.of()));
            }
            for (int i = 0; i < sends.size(); i++) {
                assertEquals(i, sends.get(i).get().offset());
            }
            List<ConsumerRecord> records = readAll(log, 0);
            assertEquals(1000, records.size());
            for (int i = 0; i < 1000; i++) {
                ConsumerRecord r = records.get(i);
                assertEquals(i, r.offset());
                assertEquals(1000 + i, r.timestamp());
                assertEquals(i % 3 == 0 ? null : "k" + i, r.keyAsString());
                assertEquals("v" + i, r.valueAsString());
                assertEquals(i % 2 == 0 ? List.of(Header.of("h", "x" + i)) : List.of(), r.headers());
            }
        }
    }

    @Test
    void recordsSurviveCloseAndReopen() throws Exception {
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 2, Map.of(TopicConfigs.SEGMENT_BYTES, "4096")).partition(1);
            for (int i = 0; i < 200; i++) {
                log.append(i, null, bytes("value-" + i), List.of());
                log.drain(); // one batch per record, so the 4 KiB segments roll deterministically
            }
        }
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.topic("t").partition(1);
            assertEquals(200, log.endOffset());
            assertTrue(log.segmentCount() > 1, "expected several segments, got " + log.segmentCount());
            List<ConsumerRecord> records = readAll(log, 0);
            for (int i = 0; i < 200; i++) {
                assertEquals("value-" + i, records.get(i).valueAsString());
            }
            assertEquals(200, log.append(1, null, bytes("after"), List.of()).get().offset());
        }
    }

    @Test
    void lookupByTimestampFindsFirstRecordAtOrAfterIt() throws Exception {
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 1, Map.of(TopicConfigs.SEGMENT_BYTES, "2048",
                    LogConfig.INDEX_INTERVAL_BYTES, "100")).partition(0);
            for (int i = 0; i < 300; i++) {
                log.append(10_000 + i * 10L, null, bytes("v" + i), List.of());
                log.drain();
            }
            assertEquals(new OffsetAndTimestamp(0, 10_000), log.offsetForTimestamp(0));
            assertEquals(new OffsetAndTimestamp(150, 11_500), log.offsetForTimestamp(11_500));
            assertEquals(new OffsetAndTimestamp(151, 11_510), log.offsetForTimestamp(11_501));
            assertNull(log.offsetForTimestamp(20_000));
        }
    }

    @Test
    void rejectsOversizedRecordsAndOutOfRangeOffsets() {
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 1, Map.of(TopicConfigs.MAX_RECORD_BYTES, "1000")).partition(0);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> log.append(1, null, new byte[2000], List.of()).get());
            assertInstanceOf(RecordTooLargeException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("1000"), e.getCause().getMessage());
            OffsetOutOfRangeException oor = assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100));
            assertEquals(-1, oor.offset());
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(1, 100));
        }
    }
}
