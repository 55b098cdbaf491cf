package dev.photoqueue.worker;

import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.testing.SmallFileSystem;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose blob store's disk is full, on a real tmpfs the test fills up (mounted by the
 * test; skipped, saying why, where mounting is refused): it takes no job while there is no room,
 * so the full disk spends none of the jobs' deliveries (with two allowed, each would otherwise be
 * dead-lettered within a second), and it stays silent until the group removes it; once space is
 * freed, it rejoins and does every job on its first delivery.
 */
class FullDiskWorkerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int JOBS = 3;
    private static final long SESSION_MS = 1_000;

    @RegisterExtension
    static final SmallFileSystem disk = SmallFileSystem.ofBytes(24L << 20);

    @TempDir
    Path dir;

    @Test
    void aWorkerTakesNoJobWhileItsBlobDiskIsFullAndDoesEachOnItsFirstDeliveryOnceThereIsRoom() throws Exception {
        Path blobDir = disk.mountPoint().resolve("blobs");
        BlobStore blobs = BlobStore.onFileSystem(blobDir, false);
        WorkerConfig config = WorkerConfig.fromSettings(Map.of("blob.dir", blobDir.toString(), "blob.fsync", "false",
                "max.deliveries", "2", "retry.backoff.ms", "20", "retry.backoff.max.ms", "100",
                "poll.timeout.ms", "50"));
        MessageCodec codec = new MessageCodec();
        Path filler = disk.mountPoint().resolve("filler");
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()));
             Producer producer = backend.producer()) {
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 3));
            // the originals first: the disk is filled after them
            List<PhotoUploaded> jobs = SampleImages.photoNames().subList(0, JOBS + 1).stream()
                    .map(name -> stored(blobs, name)).toList();
            Set<String> ids = new TreeSet<>();
            ConsumerLoop loop = new ConsumerLoop("w-1", backend.groupConsumer(GroupConsumerConfig
                    .builder(Topics.THUMBNAILERS).maxDeliveries(config.maxDeliveries()).sessionTimeoutMs(SESSION_MS)
                    .retryBackoffMs(config.retryBackoffMs()).retryBackoffMaxMs(config.retryBackoffMaxMs()).build()),
                    producer, PhotoProcessor.from(config), codec, config, new Chaos(), Delivery.AT_LEAST_ONCE, null);
            Thread worker = new Thread(loop, "full-disk-worker");
            worker.start();
            try (EventLog log = new EventLog(backend)) {
                // a first job, with room: the worker is a member that polls
                send(producer, jobs.get(0));
                log.awaitUntil(seen -> EventLog.processed(seen).size() == 1, TIMEOUT);

                fillUp(filler);
                await(loop::waitingForRoom, "the worker waiting for room", worker);
                for (PhotoUploaded job : jobs.subList(1, JOBS + 1)) {
                    send(producer, job);
                    ids.add(job.photoId());
                }
                // Silent, it is removed after its session timeout; a worker that went on polling
                // would stay a member, and take the jobs only to fail them on the full disk.
                await(() -> backend.admin().describeGroup(Topics.THUMBNAILERS).members().isEmpty(),
                        "the worker silent past its session timeout", worker);
                assertEquals(JOBS, backend.admin().describeGroup(Topics.THUMBNAILERS).totalLag(),
                        "jobs taken while the disk is full");
                assertEquals(1, log.readToEnd(TIMEOUT).size(), "events while the disk is full");

                Files.delete(filler);
                List<PhotoEvent> events = log.awaitUntil(
                        seen -> EventLog.processed(seen).size() >= JOBS + 1, TIMEOUT);
                assertFalse(loop.waitingForRoom(), "still waiting for room after the filler was deleted");
                Map<String, Integer> deliveries = EventLog.processed(events).stream().skip(1)
                        .collect(Collectors.toMap(PhotoProcessed::photoId, PhotoProcessed::deliveryCount));
                assertEquals(ids, deliveries.keySet());
                assertEquals(Set.of(1), Set.copyOf(deliveries.values()), "deliveries per photo: " + deliveries);
                assertEquals(List.of(), EventLog.failed(events), "failures");
            } finally {
                loop.requestStop();
                worker.join(TIMEOUT.toMillis());
            }
            assertFalse(worker.isAlive(), "the worker stopped when asked");
        }
    }

    /** The job of the sample photo {@code name}, its original stored. */
    private static PhotoUploaded stored(BlobStore blobs, String name) {
        String id = name.replace(".jpg", "").toLowerCase(Locale.ROOT);
        byte[] bytes = SampleImages.eighthSizePhoto(name);
        return new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes), Instant.now(),
                "user-1", null);
    }

    private static void send(Producer producer, PhotoUploaded job) throws Exception {
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                new MessageCodec().encode(job))).get();
    }

    private static void await(BooleanSupplier condition, String what, Thread worker) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + ": not within " + TIMEOUT);
            assertTrue(worker.isAlive(), "the worker ended");
            Thread.onSpinWait();
        }
    }

    /** Writes {@code file} until the file system has no room left: the kernel's "No space left on device". */
    private static void fillUp(Path file) throws IOException {
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
    }
}
