package dev.photoqueue.worker;

import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.DecodeBudget;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The child JVM of {@link HeapBudgetWorkersTest}, run with a small heap: queues {@code photos}
 * large photos (each fits the decode budget, a few at once do not fit the heap) for a pool of
 * {@code workers}, waits until every one is processed or dead-lettered, then stops the pool and
 * prints {@code SUMMARY restarts=<workers replaced> waits=<reservations that waited>}. Args:
 * data dir, workers, photos, side of each (square, 1-bit PNG) photo in pixels.
 */
public final class ManyLargeDecodes {

    private ManyLargeDecodes() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int workers = Integer.parseInt(args[1]);
        int photos = Integer.parseInt(args[2]);
        int side = Integer.parseInt(args[3]);
        QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()));
        BlobStore blobs = BlobStore.onFileSystem(dir.resolve("blobs"), false);
        byte[] photo = SampleImages.blackPng(side, side);
        MessageCodec codec = new MessageCodec();
        WorkerPool pool = WorkerPool.start(backend, WorkerConfig.fromSettings(Map.of(
                "blob.dir", dir.resolve("blobs").toString(), "blob.fsync", "false",
                "worker.count", String.valueOf(workers), "worker.id", "w", "max.deliveries", "5",
                "retry.backoff.ms", "20", "retry.backoff.max.ms", "100", "poll.timeout.ms", "50",
                "restart.delay.ms", "50")));
        try (Producer producer = backend.producer(); EventLog log = new EventLog(backend)) {
            for (int i = 0; i < photos; i++) {
                String id = "large-" + i;
                PhotoUploaded job = new PhotoUploaded(id, blobs.storeOriginal(id, photo), BlobStore.sha256(photo),
                        Instant.now(), "user-1", "Oslo");
                producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                        codec.encode(job)));
            }
            producer.flush();
            String deadTopic = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
            log.awaitUntil(events -> EventLog.processed(events).stream().map(p -> p.photoId()).distinct().count()
                    + (backend.admin().listTopics().contains(deadTopic) ? backend.admin().deadLetters(deadTopic).size()
                    : 0) >= photos, Duration.ofSeconds(180));
        } finally {
            pool.stop();
            backend.close();
        }
        System.out.println("SUMMARY restarts=" + pool.restarts() + " waits=" + DecodeBudget.shared().waits());
    }
}
