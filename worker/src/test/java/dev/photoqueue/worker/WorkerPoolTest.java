package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** End to end through the real in-house queue and real files. */
class WorkerPoolTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private QueueBackend backend;
    private BlobStore blobs;
    private final MessageCodec codec = new MessageCodec();

    @BeforeEach
    void open() {
        backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dir.resolve("queue").toString()));
        blobs = BlobStore.onFileSystem(dir.resolve("blobs"), false);
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private WorkerConfig config(int workers, int maxDeliveries) {
        return config(workers, maxDeliveries, Map.of());
    }

    private WorkerConfig config(int workers, int maxDeliveries, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("blob.dir", dir.resolve("blobs").toString());
        settings.put("blob.fsync", "false");
        settings.put("worker.count", String.valueOf(workers));
        settings.put("worker.id", "w");
        settings.put("max.deliveries", String.valueOf(maxDeliveries));
        settings.put("retry.backoff.ms", "20");
        settings.put("retry.backoff.max.ms", "100");
        settings.put("poll.timeout.ms", "50");
        return WorkerConfig.fromSettings(settings);
    }

    /** Stores the original and returns its job. */
    private PhotoUploaded stored(String photoId, byte[] bytes) {
        return new PhotoUploaded(photoId, blobs.storeOriginal(photoId, bytes), BlobStore.sha256(bytes), Instant.now(),
                "user-1", "Oslo");
    }

    private void produce(Producer producer, String key, byte[] value) {
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private void produceTo(Producer producer, int partition, PhotoUploaded job) {
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                codec.encode(job)).withPartition(partition));
    }

    private Map<String, PhotoUploaded> samplePhotoJobs() {
        Map<String, PhotoUploaded> jobs = new LinkedHashMap<>();
        for (String name : SampleImages.photoNames()) {
            String id = name.replace(".jpg", "").toLowerCase(Locale.ROOT);
            jobs.put(id, stored(id, SampleImages.eighthSizePhoto(name)));
        }
        return jobs;
    }

    @Test
    void everyJobGetsExactlyOneOutcomeWithTwoWorkers() {
        Map<String, PhotoUploaded> good = samplePhotoJobs();
        good.put("full-size", stored("full-size", SampleImages.photo("Aqua.jpg")));
        var small = SampleImages.scaledPhoto("Garden.jpg", 200, 125);
        good.put("cmyk", stored("cmyk", SampleImages.adobeJpeg(small, false)));
        good.put("alpha", stored("alpha", SampleImages.pngWithTransparentLeftHalf(small)));
        good.put("gif", stored("gif", SampleImages.twoFrameGif(small)));
        good.put("bmp", stored("bmp", SampleImages.encode(small, "bmp")));
        PhotoUploaded text = stored("text", "not a photo at all".getBytes(StandardCharsets.UTF_8));
        PhotoUploaded bomb = stored("bomb", SampleImages.pngDeclaring(100_000, 100_000));
        PhotoUploaded missing = new PhotoUploaded("missing", "originals/missing", "b".repeat(64), Instant.now(), null,
                null);
        PhotoUploaded escape = new PhotoUploaded("..", "originals/x", "c".repeat(64), Instant.now(), null, null);

        try (Producer producer = backend.producer()) {
            WorkerPool pool = WorkerPool.start(backend, config(2, 3));
            // both in the group before the first job: each owns partitions that get jobs
            awaitMembers(2);
            for (PhotoUploaded job : List.of(text, bomb, missing, escape)) {
                produce(producer, job.photoId(), codec.encode(job));
            }
            produce(producer, "broken", "{\"photoId\": \"broken\", ".getBytes(StandardCharsets.UTF_8));
            good.values().forEach(job -> produce(producer, job.photoId(), codec.encode(job)));
            producer.flush();
            assertEquals(2, pool.workers());

            List<ConsumerRecord> dead;
            try (EventLog log = new EventLog(backend)) {
                int expected = good.size() + 5;
                log.awaitUntil(events -> events.size() >= expected, TIMEOUT);
                dead = awaitDeadLetters(5);
                assertTrue(pool.stop(TIMEOUT), "the workers finished within " + TIMEOUT);
                List<PhotoEvent> events = log.readToEnd(TIMEOUT);
                assertEquals(expected, events.size(), "extra events: " + events);

                Map<String, PhotoProcessed> processed = EventLog.processed(events).stream()
                        .collect(Collectors.toMap(PhotoProcessed::photoId, Function.identity()));
                assertEquals(good.keySet(), processed.keySet());
                processed.values().forEach(p -> {
                    assertFalse(p.duplicate(), p.toString());
                    assertEquals(3, p.variants().size());
                    assertEquals(1, p.deliveryCount());
                });
                assertTrue(processed.values().stream().map(PhotoProcessed::workerId).distinct().count() >= 2,
                        "both workers took jobs");

                Map<String, PhotoFailed> failed = EventLog.failed(events).stream()
                        .collect(Collectors.toMap(PhotoFailed::photoId, Function.identity()));
                assertEquals(Set.of("text", "bomb", "missing", "..", "broken"), failed.keySet());
                assertTrue(failed.get("text").permanent());
                assertTrue(failed.get("bomb").reason().contains("100000x100000"), failed.get("bomb").reason());
                assertTrue(failed.get("broken").reason().contains("malformed"), failed.get("broken").reason());
                assertTrue(failed.get("..").permanent());
                assertEquals(1, failed.get("bomb").attempts());
                assertFalse(failed.get("missing").permanent());
                assertEquals(3, failed.get("missing").attempts());
            }

            Map<String, ConsumerRecord> byKey = dead.stream()
                    .collect(Collectors.toMap(ConsumerRecord::keyAsString, Function.identity()));
            assertEquals(Set.of("text", "bomb", "missing", "..", "broken"), byKey.keySet());
            assertEquals("3", byKey.get("missing").header(DeadLetters.DELIVERY_COUNT).valueAsString());
            assertEquals("1", byKey.get("bomb").header(DeadLetters.DELIVERY_COUNT).valueAsString());
            assertTrue(byKey.get("text").header(DeadLetters.ERROR).valueAsString().contains("not an image"));
        }
        assertEquals(0, backend.admin().describeGroup(Topics.THUMBNAILERS).totalLag());
        assertEquals(0, backend.admin().describeGroup(Topics.THUMBNAILERS).members().size());
    }

    @Test
    void aWaitingWorkerIsWokenByANewJobNotByItsPollTimeout() {
        // polls that wait 10 minutes and heartbeats every 200 s: a job done within TIMEOUT was handed
        // to the waiting poll when it was appended, not found by a poll that ran out
        Map<String, String> settings = new HashMap<>(Map.of("blob.dir", dir.resolve("blobs").toString(),
                "blob.fsync", "false", "worker.count", "1", "worker.id", "w", "poll.timeout.ms", "600000",
                "session.timeout.ms", "600000", "shutdown.grace.ms", "100"));
        WorkerPool pool = WorkerPool.start(backend, WorkerConfig.fromSettings(settings));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            awaitMembers(1);
            for (int i = 1; i <= 2; i++) {
                // the second job comes while the worker waits again, after acking the first
                PhotoUploaded job = stored("woken-" + i, SampleImages.eighthSizePhoto("LadyBird.jpg"));
                produce(producer, job.photoId(), codec.encode(job));
                int processed = i;
                List<PhotoEvent> events = log.awaitUntil(e -> EventLog.processed(e).size() == processed, TIMEOUT);
                assertEquals(job.photoId(), EventLog.processed(events).get(i - 1).photoId());
            }
        } finally {
            pool.stop();
        }
    }

    @Test
    void theSameJobSentTwiceLeavesIdenticalFilesAndTheSecondIsADuplicate() throws Exception {
        PhotoUploaded job = stored("twice", SampleImages.eighthSizePhoto("LadyBird.jpg"));
        WorkerPool pool = WorkerPool.start(backend, config(1, 3));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            produce(producer, job.photoId(), codec.encode(job));
            producer.flush();
            PhotoProcessed first = EventLog.processed(log.awaitUntil(e -> e.size() == 1, TIMEOUT)).get(0);
            Map<String, byte[]> filesAfterFirst = files(first);

            produce(producer, job.photoId(), codec.encode(job));
            producer.flush();
            List<PhotoEvent> events = log.awaitUntil(e -> e.size() == 2, TIMEOUT);
            PhotoProcessed second = EventLog.processed(events).get(1);

            assertFalse(first.duplicate());
            assertTrue(second.duplicate());
            assertEquals(first.variants(), second.variants());
            Map<String, byte[]> filesAfterSecond = files(second);
            assertEquals(filesAfterFirst.keySet(), filesAfterSecond.keySet());
            filesAfterFirst.forEach((path, bytes) -> assertArrayEquals(bytes, filesAfterSecond.get(path), path));
        } finally {
            pool.stop();
        }
    }

    @Test
    void sharedModeWorkersProcessEveryJobOfASinglePartition() {
        Map<String, PhotoUploaded> jobs = samplePhotoJobs();
        WorkerPool pool = WorkerPool.start(backend, config(2, 3,
                Map.of("consumption.mode", "shared", "uploaded.partitions", "1")));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            // both in the group and polling the one partition before the first job comes
            awaitMembers(2);
            jobs.values().forEach(job -> produce(producer, job.photoId(), codec.encode(job)));
            producer.flush();
            log.awaitUntil(e -> e.size() >= jobs.size(), TIMEOUT);
            assertTrue(pool.stop(TIMEOUT), "the workers finished within " + TIMEOUT);
            List<PhotoEvent> events = log.readToEnd(TIMEOUT);
            List<PhotoProcessed> processed = EventLog.processed(events);
            assertEquals(jobs.keySet(), processed.stream().map(PhotoProcessed::photoId).collect(Collectors.toSet()));
            assertEquals(jobs.size(), processed.size(), "events: " + events);
            assertTrue(processed.stream().map(PhotoProcessed::workerId).distinct().count() >= 2,
                    "both workers took jobs from the one partition");
        } finally {
            pool.stop();
        }
    }

    @Test
    void aFailingJobDoesNotUseUpTheDeliveriesOfTheJobsBehindItInItsPartition() {
        PhotoUploaded missing = new PhotoUploaded("missing", "originals/missing", "d".repeat(64), Instant.now(), null,
                null);
        List<PhotoUploaded> behind = List.of(stored("one", SampleImages.eighthSizePhoto("Aqua.jpg")),
                stored("two", SampleImages.eighthSizePhoto("Dune.jpg")),
                stored("three", SampleImages.eighthSizePhoto("Garden.jpg")));
        WorkerPool pool = WorkerPool.start(backend, config(1, 3, Map.of("uploaded.partitions", "1")));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            produce(producer, missing.photoId(), codec.encode(missing));
            behind.forEach(job -> produce(producer, job.photoId(), codec.encode(job)));
            producer.flush();
            List<PhotoEvent> events = log.awaitUntil(e -> e.size() >= 4, TIMEOUT);

            assertEquals(List.of("missing"), EventLog.failed(events).stream().map(PhotoFailed::photoId).toList());
            List<PhotoProcessed> processed = EventLog.processed(events);
            assertEquals(List.of("one", "two", "three"), processed.stream().map(PhotoProcessed::photoId).toList());
            processed.forEach(p -> assertEquals(1, p.deliveryCount(), p.photoId()));
            assertEquals(List.of("missing"), deadLetters().stream().map(ConsumerRecord::keyAsString).toList());
        } finally {
            pool.stop();
        }
    }

    @Test
    void aJobWhoseBlobAppearsLateSucceedsOnALaterDelivery() throws Exception {
        byte[] bytes = SampleImages.eighthSizePhoto("GreenMeadow.jpg");
        PhotoUploaded job = new PhotoUploaded("late", "originals/late", BlobStore.sha256(bytes), Instant.now(), null,
                null);
        // the first delivery finds the original still empty: a pipe the test ends without writing,
        // once the whole original has taken its name
        GatedOriginal original = GatedOriginal.create(dir.resolve("blobs").resolve(job.blob()));
        WorkerPool pool = WorkerPool.start(backend, config(1, 50));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            produce(producer, "late", codec.encode(job));
            producer.flush();
            original.awaitReader(TIMEOUT);
            blobs.storeOriginal("late", bytes);
            original.release(new byte[0]);
            PhotoProcessed done = EventLog.processed(log.awaitUntil(events -> !events.isEmpty(), TIMEOUT)).get(0);
            assertEquals("late", done.photoId());
            assertTrue(done.deliveryCount() > 1, "delivery " + done.deliveryCount());
            assertTrue(deadLetters().isEmpty());
        } finally {
            pool.stop();
        }
    }

    @Test
    void resizesThePoolAtRunTimeAndStoppedWorkersLeaveTheGroup() throws Exception {
        WorkerPool pool = WorkerPool.start(backend, config(1, 3));
        awaitMembers(1);
        pool.setWorkers(3);
        assertEquals(List.of("w-0", "w-1", "w-2"), pool.workerIds());
        awaitMembers(3);
        pool.setWorkers(1);
        assertEquals(List.of("w-0"), pool.workerIds());
        awaitMembers(1);
        assertTrue(pool.stop(TIMEOUT));
        awaitMembers(0);
        assertTrue(pool.stop(TIMEOUT), "a second stop answers like the first");
        assertEquals(0, pool.workers());
        assertThrows(IllegalStateException.class, () -> pool.setWorkers(2));
    }

    @Test
    void aGracefulStopNeitherLosesNorRepeatsAJob() throws Exception {
        // The stop comes while a worker is in the gate job, the first of partition 0, and two jobs wait
        // behind it: the gate's original is a pipe, so the test knows that job is in hand, and lets it
        // finish only once the stop has been asked for.
        byte[] gateBytes = SampleImages.eighthSizePhoto("Garden.jpg");
        PhotoUploaded gate = new PhotoUploaded("gate", "originals/gate", BlobStore.sha256(gateBytes), Instant.now(),
                "user-1", "Oslo");
        GatedOriginal gateOriginal = GatedOriginal.create(dir.resolve("blobs").resolve(gate.blob()));
        List<PhotoUploaded> behind = List.of(stored("behind-1", SampleImages.eighthSizePhoto("Aqua.jpg")),
                stored("behind-2", SampleImages.eighthSizePhoto("Dune.jpg")));
        Map<String, PhotoUploaded> jobs = samplePhotoJobs();
        for (String name : SampleImages.photoNames()) {
            String id = "again-" + name.replace(".jpg", "").toLowerCase(Locale.ROOT);
            jobs.put(id, stored(id, SampleImages.eighthSizePhoto(name)));
        }
        Set<String> all = new java.util.HashSet<>(jobs.keySet());
        all.add(gate.photoId());
        behind.forEach(job -> all.add(job.photoId()));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            produceTo(producer, 0, gate);
            behind.forEach(job -> produceTo(producer, 0, job));
            jobs.values().forEach(job -> produce(producer, job.photoId(), codec.encode(job)));
            producer.flush();
            WorkerPool first = WorkerPool.start(backend, config(2, 3, Map.of("shutdown.grace.ms",
                    String.valueOf(TIMEOUT.toMillis()))));
            gateOriginal.awaitReader(TIMEOUT);

            AtomicBoolean stoppedInTime = new AtomicBoolean();
            Thread stopper = new Thread(() -> stoppedInTime.set(first.stop()), "stopper");
            stopper.start();
            awaitWaiting(stopper);
            // a repeat of the gate job would read the whole original from its name, and say duplicate
            blobs.storeOriginal(gate.photoId(), gateBytes);
            gateOriginal.release(gateBytes);
            stopper.join(TIMEOUT.toMillis());
            assertTrue(stoppedInTime.get(), "the job in hand finished within the grace period");
            awaitMembers(0);
            List<PhotoEvent> beforeRestart = log.readToEnd(TIMEOUT);
            assertTrue(EventLog.processed(beforeRestart).stream().anyMatch(p -> p.photoId().equals("gate")),
                    "the job in hand at the stop was finished: " + beforeRestart);
            assertTrue(beforeRestart.size() < all.size(), "the jobs behind the gate waited: " + beforeRestart);

            WorkerPool second = WorkerPool.start(backend, config(2, 3));
            log.awaitUntil(e -> e.size() >= all.size(), TIMEOUT);
            assertTrue(second.stop(TIMEOUT), "the workers finished within " + TIMEOUT);
            List<PhotoEvent> events = log.readToEnd(TIMEOUT);

            List<PhotoProcessed> processed = EventLog.processed(events);
            assertEquals(all.size(), processed.size(), "events: " + events);
            assertEquals(all, processed.stream().map(PhotoProcessed::photoId).collect(Collectors.toSet()));
            assertTrue(processed.stream().noneMatch(PhotoProcessed::duplicate), "a job was repeated: " + processed);
        }
    }

    /**
     * Waits until {@code stopper} is inside {@link WorkerPool#stop(Duration)}'s wait for the workers:
     * stop asks every worker to stop first, so from then on none takes another job.
     */
    private static void awaitWaiting(Thread stopper) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (stopper.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the stop did not start waiting for the workers within "
                    + TIMEOUT + "; the stopping thread is " + stopper.getState());
            sleep(5);
        }
    }

    /**
     * A photo within the pixel limit whose decode can never fit the heap's decode budget is a
     * permanent failure of the photo, found from its header: dead-lettered at its first delivery
     * with a reason naming its size, the estimate and the budget, and no worker dies of it (before
     * the budget, an OutOfMemoryError ended a worker on each of its max.deliveries deliveries).
     */
    @Test
    void aPhotoTooLargeForTheHeapIsDeadLetteredAtItsFirstDeliveryWithoutEndingAWorker() {
        // 9000 x 9000 = 81 MP passes a raised pixel limit, but its RGB image alone needs 324 MB: more
        // than this test JVM's whole heap (the default Surefire run's argLine; a -Dtest run also reaches
        // the Kafka tests' run, whose heap is larger, and there the test does not apply)
        assumeTrue(Runtime.getRuntime().maxMemory() < 9000L * 9000 * 4, "needs a heap under 324 MB, has "
                + Runtime.getRuntime().maxMemory());
        PhotoUploaded huge = stored("huge", SampleImages.blackPng(9000, 9000));
        PhotoUploaded after = stored("after", SampleImages.eighthSizePhoto("Aqua.jpg"));
        WorkerPool pool = WorkerPool.start(backend, config(1, 2, Map.of("max.pixels", "100000000",
                "restart.delay.ms", "50")));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            produce(producer, huge.photoId(), codec.encode(huge));
            produce(producer, after.photoId(), codec.encode(after));
            producer.flush();
            List<PhotoEvent> events = log.awaitUntil(e -> !EventLog.processed(e).isEmpty(), TIMEOUT);

            assertEquals("after", EventLog.processed(events).get(0).photoId());
            List<ConsumerRecord> dead = awaitDeadLetters(1);
            assertEquals("huge", dead.get(0).keyAsString());
            List<PhotoFailed> failed = EventLog.failed(events);
            assertEquals(1, failed.size(), "failed: " + failed);
            assertEquals("huge", failed.get(0).photoId());
            assertTrue(failed.get(0).permanent(), "permanent: " + failed.get(0));
            assertEquals(1, failed.get(0).attempts(), "at its first delivery: " + failed.get(0));
            assertTrue(failed.get(0).reason().contains("9000x9000")
                    && failed.get(0).reason().contains("decode budget"), failed.get(0).reason());
            assertEquals(List.of(), log.releases(), "no worker released the job as a transient failure");
            assertEquals(1, log.deliveries().stream().filter(d -> d.photoId().equals("huge")).count(),
                    "delivered once: " + log.deliveries());
            assertEquals(0, pool.restarts(), "no worker died of it");
            assertEquals(1, pool.workers());
        } finally {
            pool.stop();
        }
    }

    private List<ConsumerRecord> awaitDeadLetters(int count) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<ConsumerRecord> dead;
        while ((dead = deadLetters()).size() < count) {
            assertTrue(System.nanoTime() < deadline, "dead letters: " + dead);
            sleep(20);
        }
        return dead;
    }

    private Map<String, byte[]> files(PhotoProcessed event) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (PhotoProcessed.ProcessedVariant v : event.variants()) {
            out.put(v.path(), java.nio.file.Files.readAllBytes(dir.resolve("blobs").resolve(v.path())));
        }
        return out;
    }

    /** The dead letters of {@code photo.uploaded}; none while the queue has not created its topic. */
    private List<ConsumerRecord> deadLetters() {
        String topic = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
        return backend.admin().listTopics().contains(topic) ? backend.admin().deadLetters(topic) : List.of();
    }

    private void awaitMembers(int count) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (members() != count) {
            assertTrue(System.nanoTime() < deadline, "members: " + members() + ", expected " + count);
            sleep(20);
        }
    }

    /** Members of the group; 0 before the first has joined (the group is unknown until then). */
    private int members() {
        try {
            return backend.admin().describeGroup(Topics.THUMBNAILERS).members().size();
        } catch (UnknownGroupException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
