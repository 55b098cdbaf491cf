package dev.photoqueue.worker;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chaos switch through a real pool on the in-house queue: a worker killed between publishing
 * and acking (thread mode) says nothing to its group; the pool starts a new worker in its slot
 * after the restart delay, and once the dead member's session expires the photo goes to a live
 * worker, which finds the variants already written and reports a duplicate of delivery 2.
 */
class ChaosTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long the killed worker's partition waits for it: short, so the test is quick, but not so
     * short that a live worker stalled by a loaded machine loses its job in the middle of it.
     */
    private static final long SESSION_MS = 3_000;

    @TempDir
    Path dir;
    private QueueBackend backend;

    @BeforeEach
    void open() {
        backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dir.resolve("queue").toString()));
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private WorkerConfig config(int workers, int partitions) {
        return WorkerConfig.fromSettings(Map.of("blob.dir", dir.resolve("blobs").toString(), "blob.fsync", "false",
                "worker.count", String.valueOf(workers), "worker.id", "w", "session.timeout.ms",
                String.valueOf(SESSION_MS),
                "poll.timeout.ms", "50", "uploaded.partitions", String.valueOf(partitions)));
    }

    private void submit(String id, String name) {
        BlobStore blobs = BlobStore.onFileSystem(dir.resolve("blobs"), false);
        byte[] bytes = SampleImages.eighthSizePhoto("Garden.jpg");
        PhotoUploaded job = new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes),
                Instant.now(), "u", "Oslo", name);
        try (Producer producer = backend.producer()) {
            producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                    new MessageCodec().encode(job)));
        }
    }

    @Test
    void photoMatchingTheNamePatternKillsItsWorkerAndIsFinishedByAnotherAsADuplicate() {
        WorkerPool pool = WorkerPool.start(backend, config(1, 1));
        try (EventLog log = new EventLog(backend)) {
            pool.chaos().point(Chaos.Point.AFTER_PUBLISH);
            pool.chaos().namePattern("^kill-me");
            String first = pool.workerIds().get(0);
            submit("p1", "kill-me.jpg");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (pool.restarts() == 0) {
                assertTrue(System.nanoTime() < deadline, "the worker was not replaced within " + TIMEOUT);
                pause();
            }
            pool.chaos().namePattern(null);
            assertEquals(1, pool.workers(), "the pool keeps its size: " + pool.workerIds());
            assertFalse(pool.workerIds().contains(first), "the dead worker is gone: " + pool.workerIds());
            List<PhotoProcessed> events = EventLog.processed(log.awaitUntil(e -> e.size() == 2, TIMEOUT));
            assertEquals(List.of("p1", "p1"), events.stream().map(PhotoProcessed::photoId).toList(),
                    "published before the crash, and again by the next delivery");
            assertEquals(List.of(1, 2), events.stream().map(PhotoProcessed::deliveryCount).toList(),
                    "delivered again after the crashed member's session expired");
            assertEquals(List.of(false, true), events.stream().map(PhotoProcessed::duplicate).toList(),
                    "the second run found the variants written and wrote nothing");

            try (PhotoStats stats = PhotoStats.start(backend, dir.resolve("stats"))) {
                long until = System.nanoTime() + TIMEOUT.toNanos();
                while (stats.snapshot().isEmpty() || stats.snapshot().get(0).counted() < 2) {
                    assertTrue(System.nanoTime() < until, "stats saw " + stats.snapshot() + " after " + TIMEOUT);
                    pause();
                }
                assertEquals(List.of(new PhotoStats.UserCount("u", 2, 1)), stats.snapshot(),
                        "counting events counts the redelivered photo twice; the set of ids does not");
            }
        } finally {
            pool.stop();
        }
    }

    @Test
    void crashOnDemandHitsOnlyTheNamedWorker() {
        // Four partitions and many keys: each worker owns some, so the named one does get a photo.
        WorkerPool pool = WorkerPool.start(backend, config(2, 4));
        try {
            assertThrows(UnknownWorkerException.class, () -> pool.crash("nobody"));
            String victim = pool.workerIds().get(0);
            String bystander = pool.workerIds().get(1);
            pool.crash(victim);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (pool.restarts() == 0) {
                assertTrue(System.nanoTime() < deadline, "worker " + victim + " did not die and come back within "
                        + TIMEOUT + "; " + pool.workerIds());
                submit("p" + System.nanoTime(), "more.jpg");
                pause();
            }
            assertEquals(1, pool.restarts(), "only the named worker died");
            assertFalse(pool.workerIds().contains(victim), pool.workerIds().toString());
            assertTrue(pool.workerIds().contains(bystander), pool.workerIds().toString());
            assertEquals(2, pool.workers(), "its replacement runs: " + pool.workerIds());
        } finally {
            pool.stop();
        }
    }

    /** Between two looks of a wait: the machine's cores stay with the workers under test. */
    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Test
    void settingsAreCheckedWithTheOffendingValue() {
        Chaos chaos = new Chaos();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> chaos.probability(1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> chaos.namePattern("(unclosed"));
        assertTrue(e.getMessage().contains("regular expression"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Chaos.parseMode("sometimes"));
        assertTrue(e.getMessage().contains("sometimes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Chaos.parsePoint("halfway"));
        assertTrue(e.getMessage().contains("halfway") && e.getMessage().contains("after-publish"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> chaos.crashes(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
