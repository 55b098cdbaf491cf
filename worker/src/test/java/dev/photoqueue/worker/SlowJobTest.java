package dev.photoqueue.worker;

import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job that takes longer than the session timeout, as image work at nice 19 does on a busy
 * machine: its worker stays in the group, so the job is delivered once, processed once, and its
 * event says delivery 1. Before, the silent worker was removed and the job handed to the next one.
 */
@Timeout(300)
class SlowJobTest {

    /** Long enough for the loop thread, at normal priority, to call in on a loaded machine. */
    private static final long SESSION_MS = 3_000;
    private static final long JOB_MS = 3 * SESSION_MS;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aJobSlowerThanTheSessionTimeoutIsDeliveredOnce() throws Exception {
        WorkerConfig config = WorkerConfig.fromSettings(Map.of("blob.dir", dir.resolve("blobs").toString(),
                "blob.fsync", "false", "session.timeout.ms", String.valueOf(SESSION_MS), "poll.timeout.ms", "50"));
        BlobStore files = BlobStore.onFileSystem(config.blobDir(), false);
        PhotoProcessor slow = PhotoProcessor.of(slowReads(files), config.maxPixels(), VariantSpec.DEFAULTS,
                config.maxSourceBytes());
        MessageCodec codec = new MessageCodec();
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse",
                "data.dir", dir.resolve("queue").toString()))) {
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, 2));
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 2));
            List<String> ids = List.of("slow-1", "slow-2");
            try (Producer producer = backend.producer()) {
                for (String id : ids) {
                    byte[] photo = SampleImages.eighthSizePhoto("Garden.jpg");
                    PhotoUploaded job = new PhotoUploaded(id, files.storeOriginal(id, photo), BlobStore.sha256(photo),
                            Instant.now(), null, null);
                    producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                            codec.encode(job))).get();
                }
                List<ConsumerLoop> loops = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                for (String workerId : List.of("w-0", "w-1")) {
                    ConsumerLoop loop = new ConsumerLoop(workerId, backend.groupConsumer(
                            GroupConsumerConfig.builder(Topics.THUMBNAILERS).clientId(workerId)
                                    .sessionTimeoutMs(SESSION_MS).maxPollRecords(1).build()),
                            producer, slow, codec, config, new Chaos(), Delivery.AT_LEAST_ONCE, null);
                    loops.add(loop);
                    Thread thread = new Thread(loop, "slow-job-" + workerId);
                    threads.add(thread);
                    thread.start();
                }
                awaitAllAcked(backend, ids.size());
                // Stopping waits for any job still in hand, so every event a delivery makes is out before counting.
                loops.forEach(ConsumerLoop::requestStop);
                for (Thread t : threads) {
                    t.join(WAIT.toMillis());
                    assertFalse(t.isAlive(), t.getName() + " stopped");
                }
            }
            Map<String, List<Integer>> deliveries = new TreeMap<>();
            try (EventLog log = new EventLog(backend)) {
                for (PhotoEvent e : log.awaitUntil(events -> EventLog.processed(events).size() >= ids.size(), WAIT)) {
                    assertFalse(e instanceof PhotoFailed, "a job failed: " + e);
                }
                for (PhotoProcessed p : EventLog.processed(log.readToEnd(WAIT))) {
                    deliveries.computeIfAbsent(p.photoId(), k -> new ArrayList<>()).add(p.deliveryCount());
                }
            }
            assertEquals(Map.of("slow-1", List.of(1), "slow-2", List.of(1)), deliveries,
                    "delivery counts of each photo's PhotoProcessed events");
        }
    }

    /** {@code files}, whose reads of originals take {@value #JOB_MS} ms longer, as a slowed-down job does. */
    private static BlobStore slowReads(BlobStore files) {
        return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("readOriginal")) {
                        Thread.sleep(JOB_MS);
                    }
                    try {
                        return method.invoke(files, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Waits until the group {@value Topics#THUMBNAILERS} has acked {@code jobs} jobs: its committed
     * positions cover them all and it has no lag.
     */
    static void awaitAllAcked(QueueBackend backend, int jobs) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                var group = backend.admin().describeGroup(Topics.THUMBNAILERS);
                long committed = group.partitions().stream().mapToLong(p -> Math.max(0, p.committed())).sum();
                if (committed == jobs && group.totalLag() == 0) {
                    return;
                }
            } catch (UnknownGroupException notYet) {
                // no member has joined yet
            }
            assertTrue(System.nanoTime() < deadline, "the workers did not ack " + jobs + " jobs within " + WAIT);
            Thread.sleep(20);
        }
    }
}
