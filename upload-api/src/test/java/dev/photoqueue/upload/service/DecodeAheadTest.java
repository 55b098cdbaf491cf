package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status view's decoding pipeline: order kept, depth bounded, a decoder's failure kept for its record. */
class DecodeAheadTest {

    private static List<ConsumerRecord> batch(String topic, int from, int count) {
        List<ConsumerRecord> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            records.add(new ConsumerRecord(topic, 0, i, 1_000L + i, null,
                    ("v" + i).getBytes(StandardCharsets.UTF_8), List.of(), 1));
        }
        return records;
    }

    @Test
    void batchesComeBackDecodedInTheOrderTheyWereHandedIn() {
        List<String> threads = new ArrayList<>();
        List<Object> decoded = new ArrayList<>();
        try (DecodeAhead pipeline = new DecodeAhead(record -> {
            synchronized (threads) {
                threads.add(Thread.currentThread().getName());
            }
            return new String(record.value(), StandardCharsets.UTF_8).toUpperCase();
        }, 3, "decode-test")) {
            // batches of varied sizes, taken back only when the pipeline is full, then the rest
            int next = 0;
            for (int b = 0; b < 50; b++) {
                if (pipeline.full()) {
                    take(pipeline.next(), decoded);
                }
                int size = 1 + b % 7;
                pipeline.submit(batch("t", next, size));
                next += size;
            }
            while (!pipeline.isEmpty()) {
                take(pipeline.next(), decoded);
            }
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < next; i++) {
                expected.add("V" + i);
            }
            assertEquals(expected, decoded);
        }
        synchronized (threads) {
            assertTrue(threads.stream().allMatch("decode-test"::equals), "decoded on the pipeline's thread: " + threads);
        }
    }

    private static void take(DecodeAhead.Batch b, List<Object> decoded) {
        for (int i = 0; i < b.records().size(); i++) {
            assertEquals("V" + b.records().get(i).offset(), b.message(i), "each record with its own message");
            decoded.add(b.message(i));
        }
    }

    @Test
    void handingInPastTheDepthIsRefusedNamingTheDepth() {
        try (DecodeAhead pipeline = new DecodeAhead(record -> record, 1, "decode-test")) {
            pipeline.submit(batch("t", 0, 2));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pipeline.submit(batch("t", 2, 2)));
            assertTrue(e.getMessage().contains("holds 1 batches"), e.getMessage());
            pipeline.next();
            pipeline.submit(batch("t", 2, 2)); // room again once the oldest is taken back
            assertEquals(2, pipeline.next().records().get(0).offset());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DecodeAhead(record -> record, 0, "decode-test"));
        assertTrue(e.getMessage().contains("was 0"), e.getMessage());
    }

    @Test
    void anEmptyBatchIsNotHandedIn() {
        try (DecodeAhead pipeline = new DecodeAhead(record -> record, 1, "decode-test")) {
            pipeline.submit(List.of());
            assertTrue(pipeline.isEmpty());
            assertFalse(pipeline.full());
        }
    }

    @Test
    void aDecodersFailureIsThrownForItsRecordOnlyWhenItsMessageIsTaken() {
        IllegalStateException failure = new IllegalStateException("cannot decode v1");
        try (DecodeAhead pipeline = new DecodeAhead(record -> {
            if (record.offset() == 1) {
                throw failure;
            }
            return record.offset();
        }, 1, "decode-test")) {
            pipeline.submit(batch("t", 0, 3));
            DecodeAhead.Batch b = pipeline.next();
            assertEquals(0L, b.message(0));
            assertSame(failure, assertThrows(IllegalStateException.class, () -> b.message(1)));
            assertEquals(2L, b.message(2), "the records after it are decoded");
        }
    }
}
