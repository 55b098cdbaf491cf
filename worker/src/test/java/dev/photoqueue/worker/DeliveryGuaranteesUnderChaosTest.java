package dev.photoqueue.worker;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The three delivery guarantees, made exact: a pool of two workers takes {@value #PHOTOS} photos
 * while the chaos switch kills {@value #CRASHES} of them (thread crashes; the pool replaces each).
 * Killed between publishing the outcome and acking the job, at-least-once publishes exactly one
 * outcome too many per crash, so the {@code stats} group's {@code counted} exceeds
 * {@code distinct} by the number of crashes, while exactly-once (outcome and ack in one
 * transaction) publishes each outcome once. Killed mid-photo, at-most-once loses exactly the
 * photos it was holding: they were delivered, and no outcome ever comes. No replay or redrive
 * here: both publish outcomes again by design. Each backend runs the same suite.
 */
abstract class DeliveryGuaranteesUnderChaosTest {

    static final int PHOTOS = 12;
    static final int CRASHES = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private QueueBackend backend;
    private WorkerPool pool;
    /** Each test's photos and user, apart from those of earlier tests on the same queue. */
    private final String run = "r" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    /** What the test's photos left on {@code photo.events}, read once the workers stopped. */
    private List<PhotoEvent> events = List.of();
    private List<PhotoDelivered> deliveries = List.of();

    /** A fresh backend; the Kafka suite's topics and groups outlive a test, so each test names its own photos. */
    abstract QueueBackend openBackend(Path dir);

    @BeforeEach
    void open() {
        backend = openBackend(dir);
        pool = WorkerPool.start(backend, WorkerConfig.fromSettings(Map.of("blob.dir", dir.resolve("blobs").toString(),
                "blob.fsync", "false", "worker.count", "2", "worker.id", run, "session.timeout.ms", "3000",
                "poll.timeout.ms", "50", "uploaded.partitions", "4", "restart.delay.ms", "200")));
        pool.chaos().mode(Chaos.Crash.THREAD);
    }

    @AfterEach
    void close() {
        pool.stop();
        backend.close();
    }

    @Test
    void atLeastOncePublishesOneOutcomeTooManyPerCrashBetweenPublishingAndAcking() {
        List<String> photos = runUnderChaos(Delivery.AT_LEAST_ONCE, Chaos.Point.AFTER_PUBLISH,
                events -> EventLog.processed(events).size() >= PHOTOS + CRASHES);
        List<PhotoProcessed> processed = processed();
        assertEquals(PHOTOS + CRASHES, processed.size(), "one outcome per photo and one more per crash: " + processed);
        assertEquals(Set.copyOf(photos), photoIds(processed), "every photo is done");
        assertEquals(CRASHES, processed.stream().filter(PhotoProcessed::duplicate).count(),
                "each repeated job found its variants written");
        assertStats(PHOTOS + CRASHES, PHOTOS);
    }

    @Test
    void exactlyOncePublishesEveryOutcomeOnceThoughWorkersDieBetweenPublishingAndAcking() {
        List<String> photos = runUnderChaos(Delivery.EXACTLY_ONCE, Chaos.Point.AFTER_PUBLISH,
                events -> EventLog.processed(events).size() >= PHOTOS);
        List<PhotoProcessed> processed = processed();
        assertEquals(PHOTOS, processed.size(), "the outcomes of the dead workers' transactions are never read: "
                + processed);
        assertEquals(Set.copyOf(photos), photoIds(processed), "every photo is done");
        assertStats(PHOTOS, PHOTOS);
    }

    @Test
    void atMostOnceLosesExactlyThePhotosItsDeadWorkersHeld() {
        List<String> photos = runUnderChaos(Delivery.AT_MOST_ONCE, Chaos.Point.MID_PHOTO,
                events -> EventLog.processed(events).size() >= PHOTOS - CRASHES);
        List<PhotoProcessed> processed = processed();
        assertEquals(PHOTOS - CRASHES, processed.size(), "a photo held by a dead worker never comes again: "
                + processed);
        Set<String> lost = new HashSet<>(photos);
        lost.removeAll(photoIds(processed));
        assertEquals(CRASHES, lost.size(), "lost: " + lost);
        for (String id : lost) {
            List<PhotoDelivered> ofLost = deliveries.stream().filter(d -> d.photoId().equals(id)).toList();
            assertEquals(1, ofLost.size(), "a lost photo was delivered once, and not again: " + ofLost);
            assertEquals("at-most-once", ofLost.get(0).guarantee());
        }
        assertStats(PHOTOS - CRASHES, PHOTOS - CRASHES);
    }

    /**
     * Switches the pool to {@code delivery}, arms {@value #CRASHES} crashes at {@code point},
     * sends the photos, waits until {@code done} holds for the outcomes, every crash happened and
     * every dead worker was replaced; then stops the workers, so that nothing more is published,
     * and reads every event there is.
     */
    private List<String> runUnderChaos(Delivery delivery, Chaos.Point point,
                                       java.util.function.Predicate<List<PhotoEvent>> done) {
        pool.setDelivery(delivery);
        pool.chaos().point(point);
        pool.chaos().crashes(CRASHES);
        List<String> photos = new ArrayList<>();
        for (int i = 0; i < PHOTOS; i++) {
            photos.add(run + "-" + delivery.wireName() + "-" + i);
        }
        try (EventLog log = new EventLog(backend)) {
            submit(photos);
            log.awaitUntil(e -> done.test(mine(e, photos)), TIMEOUT);
            await(() -> pool.chaos().crashesLeft() == 0 && pool.restarts() == CRASHES && pool.workers() == 2,
                    "every crash happened and every dead worker was replaced: restarts " + pool.restarts());
            assertTrue(pool.stop(), "the workers left in time");
            events = mine(log.readToEnd(TIMEOUT), photos);
            deliveries = log.deliveries().stream().filter(d -> photos.contains(d.photoId())).toList();
        }
        return photos;
    }

    private static List<PhotoEvent> mine(List<PhotoEvent> all, List<String> photos) {
        return all.stream().filter(e -> photos.contains(e.photoId())).toList();
    }

    private List<PhotoProcessed> processed() {
        return EventLog.processed(events);
    }

    private static Set<String> photoIds(List<PhotoProcessed> processed) {
        Set<String> ids = new HashSet<>();
        processed.forEach(p -> ids.add(p.photoId()));
        return ids;
    }

    /** The stats group, reading the events from the start: counted and distinct of this test's user. */
    private void assertStats(long counted, long distinct) {
        try (PhotoStats stats = PhotoStats.start(backend, dir.resolve("stats"))) {
            await(() -> stats.snapshot().stream().anyMatch(u -> u.userId().equals(run) && u.counted() >= counted),
                    "stats counted " + counted + " for " + run);
            PhotoStats.UserCount mine = stats.snapshot().stream().filter(u -> u.userId().equals(run)).findFirst()
                    .orElseThrow();
            assertEquals(new PhotoStats.UserCount(run, counted, distinct), mine);
        }
    }

    private void submit(List<String> photos) {
        BlobStore blobs = BlobStore.onFileSystem(dir.resolve("blobs"), false);
        byte[] bytes = SampleImages.eighthSizePhoto("Garden.jpg");
        MessageCodec codec = new MessageCodec();
        try (Producer producer = backend.producer()) {
            for (String id : photos) {
                PhotoUploaded job = new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes),
                        Instant.now(), run, "Oslo", id + ".jpg");
                producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                        codec.encode(job))).join();
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + TIMEOUT + ": " + what);
            }
            try {
                Thread.sleep(20); // between looks; the condition is what is waited for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
