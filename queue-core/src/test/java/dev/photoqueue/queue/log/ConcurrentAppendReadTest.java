package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Several producers append to one partition and to two while readers tail both. Every
 * acknowledged record is read exactly once by each reader, at the offset its acknowledgement
 * named; offsets are contiguous; each producer's records keep their order within a partition;
 * no reader sees past the end offset.
 */
class ConcurrentAppendReadTest {

    private static final String TOPIC = "c";
    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 3000;
    private static final int READERS_PER_PARTITION = 2;
    private static final long DEADLINE_SECONDS = 60;

    @TempDir
    Path dir;

    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();

    /** Producers 0 and 1 write partition 0 only; producers 2 and 3 alternate between both. */
    private static int partitionOf(int producer, int seq) {
        return producer < 2 ? 0 : seq % 2;
    }

    private static byte[] value(int producer, int seq, Random random) {
        int padding = random.nextInt(100) == 0 ? 1500 : random.nextInt(200);
        return ByteBuffer.allocate(8 + padding).putInt(producer).putInt(seq).array();
    }

    /** producer << 32 | seq, the identity of a record. */
    private static long identity(ConsumerRecord r) {
        ByteBuffer b = ByteBuffer.wrap(r.value());
        return ((long) b.getInt() << 32) | b.getInt();
    }

    @Test
    void everyAcknowledgedRecordIsReadOnceInOrderByEveryReader() throws Exception {
        try (LogManager manager = LogManager.open(dir)) {
            TopicLog topic = manager.createTopic(TOPIC, 2, settings(TopicConfigs.SEGMENT_BYTES, "8192",
                    LogConfig.BATCH_BYTES, "1024", LogConfig.INDEX_INTERVAL_BYTES, "256"));
            // What each producer had acknowledged: identity by offset, per partition.
            List<List<long[]>> acks = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> producers = new ArrayList<>();
            for (int i = 0; i < PRODUCERS; i++) {
                int producer = i;
                List<long[]> mine = new ArrayList<>();
                acks.add(mine);
                producers.add(start("producer-" + i, () -> {
                    go.await();
                    produce(topic, producer, mine);
                }));
            }
            long[] expectedPerPartition = new long[2];
            for (int producer = 0; producer < PRODUCERS; producer++) {
                for (int seq = 0; seq < PER_PRODUCER; seq++) {
                    expectedPerPartition[partitionOf(producer, seq)]++;
                }
            }
            List<long[][]> readerViews = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                for (int r = 0; r < READERS_PER_PARTITION; r++) {
                    PartitionLog log = topic.partition(p);
                    long[][] view = new long[1][];
                    readerViews.add(view);
                    int maxBytes = r == 0 ? 300 : 64 << 10;
                    readers.add(start("reader-" + p + "-" + r, () -> {
                        go.await();
                        view[0] = tail(log, manager.signal(), expectedPerPartition[log.topicPartition().partition()],
                                maxBytes);
                    }));
                }
            }
            go.countDown();
            joinAll(producers);
            joinAll(readers);
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);

            for (int p = 0; p < 2; p++) {
                assertEquals(expectedPerPartition[p], topic.partition(p).endOffset(), "end offset of " + p);
            }
            for (int v = 0; v < readerViews.size(); v++) {
                int p = v / READERS_PER_PARTITION;
                long[] byOffset = readerViews.get(v)[0];
                for (List<long[]> mine : acks) {
                    for (long[] ack : mine) {
                        if (ack[0] == p) {
                            assertEquals(ack[2], byOffset[(int) ack[1]], "reader " + v + ": record at acknowledged offset " + ack[1]);
                        }
                    }
                }
            }
        }
    }

    /** Sends with at most 64 in flight; records (partition, offset, identity) of each acknowledgement. */
    private void produce(TopicLog topic, int producer, List<long[]> acks) {
        Random random = new Random(producer);
        List<CompletableFuture<RecordMetadata>> inFlight = new ArrayList<>();
        List<Long> identities = new ArrayList<>();
        for (int seq = 0; seq < PER_PRODUCER; seq++) {
            inFlight.add(topic.partition(partitionOf(producer, seq)).append(seq, null, value(producer, seq, random),
                    List.of()));
            identities.add(((long) producer << 32) | seq);
            if (inFlight.size() == 64 || seq == PER_PRODUCER - 1) {
                for (int k = 0; k < inFlight.size(); k++) {
                    RecordMetadata md = await(inFlight.get(k));
                    acks.add(new long[] {md.partition(), md.offset(), identities.get(k)});
                }
                inFlight.clear();
                identities.clear();
            }
        }
    }

    /**
     * Reads the partition from offset 0 until {@code total} records, checking each fetch as it
     * comes; returns the identity at each offset.
     */
    private long[] tail(PartitionLog log, DataSignal signal, long total, int maxBytes) throws InterruptedException {
        long[] byOffset = new long[(int) total];
        int[] lastSeq = new int[PRODUCERS];
        java.util.Arrays.fill(lastSeq, -1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        long next = 0;
        PartitionLog.Fetch previous = null;
        while (next < total) {
            long seen = signal.version();
            PartitionLog.Fetch fetch = log.read(next, maxBytes, previous);
            long end = log.endOffset();
            for (ConsumerRecord r : fetch.records()) {
                assertEquals(next, r.offset(), log + ": offsets must be contiguous");
                assertTrue(r.offset() < end, log + ": read offset " + r.offset() + " at or past end offset " + end);
                long id = identity(r);
                int producer = (int) (id >>> 32);
                int seq = (int) id;
                assertTrue(seq > lastSeq[producer], log + ": producer " + producer + " seq " + seq + " after " + lastSeq[producer]);
                lastSeq[producer] = seq;
                byOffset[(int) next] = id;
                next++;
            }
            if (fetch.records().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, log + ": reader stuck at " + next + " of " + total);
                signal.await(seen, 100, TimeUnit.MILLISECONDS);
            } else {
                previous = fetch;
            }
        }
        assertEquals(total, log.endOffset(), log + ": nothing beyond what was sent");
        return byOffset;
    }

    private interface Body {
        void run() throws Exception;
    }

    private Thread start(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        }, name);
        t.start();
        return t;
    }

    private void joinAll(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertFalse(t.isAlive(), t.getName() + " did not finish in time; failures: " + failures);
        }
    }
}
