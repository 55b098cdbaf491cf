package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.Header;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fills one partition with small batches of varied records (null and empty keys and values,
 * headers) until it has a given number of segments, remembering what it wrote.
 */
final class SegmentWriter {

    private final Random random;
    private final List<Rec> written = new ArrayList<>();

    SegmentWriter(long seed) {
        this.random = new Random(seed);
    }

    List<Rec> written() {
        return written;
    }

    Rec nextRecord() {
        int i = written.size();
        byte[] key = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> new byte[0];
            default -> LogTestSupport.bytes("key-" + i);
        };
        byte[] value = random.nextInt(10) == 0 ? null : randomBytes(random.nextInt(60));
        List<Header> headers = random.nextInt(3) == 0
                ? List.of(new Header("h" + i, random.nextBoolean() ? null : randomBytes(random.nextInt(8))))
                : List.of();
        return new Rec(1_000_000L + i * 10L + random.nextInt(10), key, value, headers);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /**
     * Appends groups of one to three records, each drained on its own, until the log has at least
     * {@code segments} segments and the last one at least {@code minBatchesInLast} batches. A group
     * is one batch when the drain writes it, two or three when the log's writer thread got to the
     * first records before the rest were appended (a busy machine): the same records, in more
     * batches, fill segments sooner, so the count of segments may end above {@code segments}.
     */
    void fill(PartitionLog log, int segments, int minBatchesInLast) {
        int batchesInLast = 0;
        while (log.segmentCount() < segments || batchesInLast < minBatchesInLast) {
            int before = log.segmentCount();
            int count = 1 + random.nextInt(3);
            List<java.util.concurrent.CompletableFuture<dev.photoqueue.queue.api.RecordMetadata>> sends = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                Rec rec = nextRecord();
                written.add(rec);
                sends.add(log.append(rec.timestamp(), rec.key(), rec.value(), rec.headers()));
            }
            log.drain();
            for (int k = 0; k < count; k++) {
                assertEquals(written.size() - count + k, LogTestSupport.await(sends.get(k)).offset());
            }
            batchesInLast = log.segmentCount() == before ? batchesInLast + 1 : 1;
        }
    }
}
