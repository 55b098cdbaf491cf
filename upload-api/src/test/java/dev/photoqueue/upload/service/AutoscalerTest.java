package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.WorkerConfig;
import dev.photoqueue.worker.WorkerPool;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autoscaler on the in-house log with a real worker pool; ticks are driven by the test. */
class AutoscalerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void addsWorkersWhileTheBacklogGrowsAndRemovesThemWhenIdle() throws Exception {
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()))) {
            WorkerPool pool = WorkerPool.start(backend, WorkerConfig.fromSettings(Map.of("blob.dir",
                    dir.resolve("blobs").toString(), "worker.count", "0", "uploaded.partitions", "2")));
            try (Producer producer = backend.producer()) {
                // the backlog is cached for CACHE_MILLIS: the test moves this clock past it instead of sleeping
                AtomicLong clock = new AtomicLong(1_000_000);
                QueueService queue = new QueueService(backend, clock::get);
                WorkerService workers = new WorkerService(pool);
                SettingsService settings = new SettingsService(new RuntimeSettings(PartitionKey.PHOTO_ID,
                        RuntimeSettings.AT_LEAST_ONCE, 100, false));
                Autoscaler autoscaler = new Autoscaler(queue, workers, settings, 0, 2);

                produce(producer, 3);
                assertEquals(0, autoscaler.tick(), "autoscale is off");
                settings.update(Map.of("autoscale", true));
                assertEquals(0, autoscaler.tick(), "the first look only notes the backlog");
                produce(producer, 3);
                clock.addAndGet(QueueService.CACHE_MILLIS);
                assertEquals(1, autoscaler.tick(), "the backlog grew");
                // the jobs are not valid photos: the worker dead-letters them and the backlog empties
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (queue.backlog() > 0) {
                    assertTrue(System.nanoTime() < deadline, "the backlog is still " + queue.backlog() + " after "
                            + WAIT + " with one worker dead-lettering");
                    Thread.sleep(20);
                    clock.addAndGet(QueueService.CACHE_MILLIS);
                }
                int count = 1;
                for (int i = 0; i < Autoscaler.IDLE_TICKS_BEFORE_SHRINK; i++) {
                    count = autoscaler.tick();
                }
                assertEquals(0, count, "idle long enough: one worker fewer");
            } finally {
                pool.stop();
            }
        }
    }

    @Test
    void stepsFromTheWorkersThePoolKeepsNotFromThoseRunningWhileACrashedOneAwaitsItsReplacement()
            throws Exception {
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()))) {
            // a crashed worker stays dead for an hour: while the test runs the pool keeps its slot empty
            WorkerPool pool = WorkerPool.start(backend, WorkerConfig.fromSettings(Map.of("blob.dir",
                    dir.resolve("blobs").toString(), "blob.fsync", "false", "worker.count", "1",
                    "uploaded.partitions", "1", "session.timeout.ms", "1000", "poll.timeout.ms", "50",
                    "restart.delay.ms", "3600000")));
            try (Producer producer = backend.producer()) {
                AtomicLong clock = new AtomicLong(1_000_000);
                QueueService queue = new QueueService(backend, clock::get);
                WorkerService workers = new WorkerService(pool);
                SettingsService settings = new SettingsService(new RuntimeSettings(PartitionKey.PHOTO_ID,
                        RuntimeSettings.AT_LEAST_ONCE, 100, true));
                Autoscaler autoscaler = new Autoscaler(queue, workers, settings, 0, 4);

                workers.crash(pool.workerIds().get(0), "thread");
                submit(producer, "first");
                ViewLogs.await(() -> workers.restarting() == 1, "the only worker crashes on its photo");
                assertEquals(0, workers.count(), "no worker runs while the crashed one waits for its replacement");
                assertEquals(1, autoscaler.tick(), "the first look only notes the backlog; the pool still keeps 1");
                submit(producer, "second");
                clock.addAndGet(QueueService.CACHE_MILLIS);
                assertEquals(2, autoscaler.tick(), "the backlog grew: one more than the pool keeps, not a "
                        + "replacement of the crashed worker started early");
                assertEquals(1, workers.count(), "the added worker runs; the crashed one still waits");

                // each look moves the backlog's cache clock past its cached value
                ViewLogs.await(() -> clock.addAndGet(QueueService.CACHE_MILLIS) > 0 && queue.backlog() == 0,
                        "the added worker empties the backlog");
                int kept = 2;
                for (int i = 0; i < Autoscaler.IDLE_TICKS_BEFORE_SHRINK; i++) {
                    kept = autoscaler.tick();
                }
                assertEquals(1, kept, "idle long enough: one worker fewer than the pool kept");
                assertEquals(1, workers.count(), "the running worker stays; the slot given up is the crashed one's");
                assertEquals(0, workers.restarting(), "no replacement is awaited for a slot given up");
            } finally {
                pool.stop();
            }
        }
    }

    private void submit(Producer producer, String id) throws Exception {
        BlobStore blobs = BlobStore.onFileSystem(dir.resolve("blobs"), false);
        byte[] bytes = SampleImages.eighthSizePhoto("Garden.jpg");
        PhotoUploaded job = new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes),
                Instant.now(), "u", "Oslo", id + ".jpg");
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                new MessageCodec().encode(job))).get();
    }

    private static void produce(Producer producer, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, "k" + i, "not a job")).get();
        }
    }
}
