package dev.photoqueue.worker;

import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.DecodeBudget;
import dev.photoqueue.worker.image.ImageFormat;
import dev.photoqueue.worker.image.ImageHeader;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many workers and many large photos in a small heap: every decode reserves its heap from the
 * process's decode budget, so the workers take turns instead of running the JVM out of heap
 * together. In a child JVM of {@value #HEAP} heap ({@link ManyLargeDecodes}), 8 workers take 8
 * photos of 3000x3000 (a 36 MB upright copy, about 70 MB reserved each, against a budget of half
 * the heap): every photo is processed at its first delivery, no worker dies of an
 * OutOfMemoryError, and decodes did wait for the budget. Without the budget the workers' decodes
 * together need about 400 MB: workers die of OutOfMemoryError and their jobs are delivered again.
 */
class HeapBudgetWorkersTest {

    private static final String HEAP = "-Xmx192m";
    private static final int WORKERS = 8;
    private static final int PHOTOS = 8;
    private static final int SIDE = 3000;
    private static final Duration WAIT = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    @Test
    void manyWorkersDecodingLargePhotosInASmallHeapTakeTurnsAndProcessEveryPhotoAtItsFirstDelivery()
            throws Exception {
        Path output = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-cp", System.getProperty("java.class.path"), ManyLargeDecodes.class.getName(), dir.toString(),
                String.valueOf(WORKERS), String.valueOf(PHOTOS), String.valueOf(SIDE))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertTrue(child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the child did not end within " + WAIT);
        } finally {
            child.destroyForcibly().waitFor();
        }
        String log = Files.readString(output);
        assertEquals(0, child.exitValue(), "exit status; the child's output:\n" + tail(log));
        assertFalse(log.contains("OutOfMemoryError"), "a worker ran out of heap:\n" + tail(log));
        String summary = log.lines().filter(l -> l.startsWith("SUMMARY ")).findFirst().orElseThrow(
                () -> new AssertionError("no summary:\n" + tail(log)));
        assertTrue(summary.contains(" restarts=0 "), "no worker died: " + summary);
        assertFalse(summary.contains(" waits=0"), "decodes waited for the budget (else the test proves nothing): "
                + summary);

        QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()));
        try (EventLog events = new EventLog(backend)) {
            List<PhotoEvent> all = events.readToEnd(Duration.ofSeconds(60));
            List<String> ids = IntStream.range(0, PHOTOS).mapToObj(i -> "large-" + i).toList();
            assertEquals(new TreeSet<>(ids), new TreeSet<>(EventLog.processed(all).stream()
                    .map(p -> p.photoId()).toList()), "every photo processed: " + all);
            assertEquals(List.of(), EventLog.failed(all));
            List<PhotoDelivered> deliveries = new ArrayList<>(events.deliveries());
            assertEquals(PHOTOS, deliveries.size(), "one delivery a photo: " + deliveries);
            assertTrue(deliveries.stream().allMatch(d -> d.deliveryCount() == 1), "first deliveries: " + deliveries);
            String dead = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
            assertTrue(!backend.admin().listTopics().contains(dead) || backend.admin().deadLetters(dead).isEmpty(),
                    "nothing dead-lettered");
        } finally {
            backend.close();
        }
    }

    /**
     * A worker waiting for the budget waits on its job thread, its member in the group; a stop
     * past the grace period interrupts the wait: it reserves nothing, the job is left unsettled, as
     * for any job a stop cuts short, and the next pool processes it at its second delivery.
     */
    @Test
    void aStopInterruptsAWorkerWaitingForTheBudgetAndLeavesItsJobForTheNextPool() throws Exception {
        DecodeBudget budget = DecodeBudget.shared();
        QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()));
        BlobStore blobs = BlobStore.onFileSystem(dir.resolve("blobs"), false);
        byte[] photo = SampleImages.eighthSizePhoto("Aqua.jpg");
        PhotoUploaded job = new PhotoUploaded("waits", blobs.storeOriginal("waits", photo), BlobStore.sha256(photo),
                Instant.now(), "user-1", "Oslo");
        Map<String, String> settings = Map.of("blob.dir", dir.resolve("blobs").toString(), "blob.fsync", "false",
                "worker.count", "1", "worker.id", "w", "poll.timeout.ms", "50");
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            long heldBytes = budget.totalBytes() - 1024;
            long waitsBefore = budget.waits();
            WorkerPool pool;
            try (DecodeBudget.Reservation held = budget.reserve("held", new ImageHeader(ImageFormat.JPEG, 8000, 6000),
                    heldBytes)) {
                pool = WorkerPool.start(backend, WorkerConfig.fromSettings(settings));
                producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, "waits".getBytes(StandardCharsets.UTF_8),
                        new MessageCodec().encode(job)));
                producer.flush();
                awaitTrue("the worker waits for the budget", () -> budget.waits() > waitsBefore);
                // the wait is on the job thread: the worker's member is in the group, as during any long job
                log.awaitUntil(e -> log.deliveries().size() == 1 && backend.admin().describeGroup(Topics.THUMBNAILERS)
                        .members().size() == 1, Duration.ofSeconds(60));
                assertFalse(pool.stop(Duration.ofMillis(50)), "the waiting job was cut short");
                assertEquals(heldBytes, budget.reservedBytes(), "the interrupted wait reserved nothing");
            }
            assertEquals(0, budget.reservedBytes());
            WorkerPool next = WorkerPool.start(backend, WorkerConfig.fromSettings(settings));
            try {
                List<PhotoEvent> events = log.awaitUntil(e -> !EventLog.processed(e).isEmpty(), Duration.ofSeconds(60));
                assertEquals(2, EventLog.processed(events).get(0).deliveryCount(), "delivered again after the stop");
                assertEquals(List.of(), EventLog.failed(events), "the interrupted wait failed nothing");
                assertEquals(List.of(), log.releases(), "nor released the job");
            } finally {
                next.stop();
            }
        } finally {
            backend.close();
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited " + WAIT + " for " + what);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
}
