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
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The fsync policies. With {@code always}, the high watermark moves only after the force, so a
 * record a reader sees is one whose send succeeds, and a send is acknowledged only once readers
 * can see it. With {@code never} and {@code interval}, records reach the OS at once: they survive
 * a clean close and a process crash alike.
 */
class DurabilityPolicyTest {

    private static final int RECORDS = 2000;

    @TempDir
    Path dir;

    private static byte[] seqValue(int seq) {
        return ByteBuffer.allocate(4).putInt(seq).array();
    }

    @Test
    void fsyncAlwaysAcknowledgesExactlyWhatReadersSee() throws Exception {
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("d", 1, Map.of(TopicConfigs.FSYNC, "always")).partition(0);
            long[] seenSeqByOffset = new long[RECORDS];
            Thread reader = new Thread(() -> {
                long next = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                try {
                    while (next < RECORDS && System.nanoTime() < deadline) {
                        long seen = manager.signal().version();
                        for (ConsumerRecord r : log.read(next, 4096).records()) {
                            seenSeqByOffset[(int) r.offset()] = ByteBuffer.wrap(r.value()).getInt();
                            next = r.offset() + 1;
                        }
                        if (next < log.endOffset()) {
                            continue;
                        }
                        manager.signal().await(seen, 100, TimeUnit.MILLISECONDS);
                    }
                } catch (Throwable e) {
                    violations.add("reader: " + e);
                }
            }, "reader");
            reader.start();
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            for (int seq = 0; seq < RECORDS; seq++) {
                CompletableFuture<RecordMetadata> send = log.append(seq, null, seqValue(seq), List.of());
                // Runs on the writer thread the moment the send completes.
                send.thenAccept(md -> {
                    if (log.endOffset() <= md.offset()) {
                        violations.add("offset " + md.offset() + " acknowledged before the end offset "
                                + log.endOffset() + " passed it");
                    }
                });
                sends.add(send);
            }
            reader.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(reader.isAlive(), "reader did not finish");
            assertTrue(violations.isEmpty(), () -> violations.toString());
            for (int seq = 0; seq < RECORDS; seq++) {
                RecordMetadata md = await(sends.get(seq));
                assertEquals(seq, seenSeqByOffset[(int) md.offset()],
                        "the record read at offset " + md.offset() + " is the one whose send got that offset");
            }
        }
    }

    @Test
    void neverAndIntervalSurviveCloseAndReopen() {
        for (Map<String, String> policy : List.of(Map.of(TopicConfigs.FSYNC, "never"),
                Map.of(TopicConfigs.FSYNC, "interval"),
                Map.of(TopicConfigs.FSYNC, "interval", TopicConfigs.FLUSH_MESSAGES, "10", TopicConfigs.FLUSH_MS, "5"))) {
            String topic = "d" + policy.size() + policy.get(TopicConfigs.FSYNC);
            List<Rec> written = new ArrayList<>();
            try (LogManager manager = LogManager.open(dir)) {
                PartitionLog log = manager.createTopic(topic, 1, policy).partition(0);
                for (int seq = 0; seq < RECORDS; seq++) {
                    Rec rec = new Rec(seq, null, seqValue(seq), List.of());
                    written.add(rec);
                    log.append(rec.timestamp(), rec.key(), rec.value(), rec.headers());
                }
                log.drain();
                assertEquals(RECORDS, log.endOffset());
            }
            try (LogManager manager = LogManager.open(dir)) {
                assertLogEquals(written, 0, manager.topic(topic).partition(0), policy + " after close and reopen");
            }
        }
    }

    @Test
    void neverAndIntervalSurviveProcessCrash() {
        for (String fsync : List.of("never", "interval")) {
            Path live = dir.resolve("live-" + fsync);
            Path crashed = dir.resolve("crashed-" + fsync);
            List<Rec> written = new ArrayList<>();
            try (LogManager manager = LogManager.open(live)) {
                PartitionLog log = manager.createTopic("d", 1, Map.of(TopicConfigs.FSYNC, fsync,
                        TopicConfigs.SEGMENT_BYTES, "4096")).partition(0);
                for (int seq = 0; seq < RECORDS; seq++) {
                    Rec rec = new Rec(seq, null, seqValue(seq), List.of());
                    written.add(rec);
                    appendAndWait(log, rec);
                }
                // What a kill -9 leaves: every acknowledged write is in the OS, nothing was closed.
                copyTree(live, crashed);
            }
            try (LogManager manager = LogManager.open(crashed)) {
                assertLogEquals(written, 0, manager.topic("d").partition(0), "fsync=" + fsync + " after a crash");
            }
        }
    }
}
