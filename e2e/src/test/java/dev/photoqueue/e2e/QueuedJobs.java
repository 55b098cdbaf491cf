package dev.photoqueue.e2e;

import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Thumbnail jobs put on a queue the way the upload API puts them, for tests that run
 * {@code worker.jar} processes without it: the topics, each photo's original in the blob store
 * the workers read, and one acknowledged {@code PhotoUploaded} job a photo.
 */
final class QueuedJobs {

    private QueuedJobs() {
    }

    /**
     * Creates both topics with {@code partitions} each, stores {@code count} photos (the sample
     * images in turn) under {@code blobDir}, and sends their jobs; returns the photo ids.
     */
    static Set<String> send(QueueBackend backend, Path root, Path blobDir, int partitions, int count)
            throws Exception {
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, partitions));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, partitions));
        BlobStore blobs = BlobStore.onFileSystem(blobDir, false);
        List<Path> photos;
        try (var files = Files.list(root.resolve("sample-images"))) {
            photos = files.filter(p -> p.getFileName().toString().matches("[A-Z].*\\.jpg")).sorted().toList();
        }
        MessageCodec codec = new MessageCodec();
        Set<String> ids = new TreeSet<>();
        try (Producer producer = backend.producer()) {
            for (int i = 0; i < count; i++) {
                String id = "photo-" + i;
                Path photo = photos.get(i % photos.size());
                byte[] bytes = Files.readAllBytes(photo);
                PhotoUploaded job = new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes),
                        Instant.now(), "u" + (i % 3), null, photo.getFileName().toString());
                producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                        codec.encode(job))).get(30, TimeUnit.SECONDS);
                ids.add(id);
            }
        }
        return ids;
    }
}
