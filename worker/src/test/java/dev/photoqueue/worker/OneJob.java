package dev.photoqueue.worker;

import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** One photo job as the upload API leaves it, for a test's worker loop: its original stored, its job sent. */
final class OneJob {

    private OneJob() {
    }

    /** Creates {@code photo.uploaded} and {@code photo.events}, one partition each. */
    static void createTopics(QueueBackend backend) {
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, 1));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 1));
    }

    /**
     * Stores an eighth-size copy of the sample photo {@code sample} as the original of
     * {@code photoId} and sends its job, keyed by the id; returns once the queue has it.
     */
    static void send(Producer producer, BlobStore files, MessageCodec codec, String photoId, String sample)
            throws Exception {
        byte[] photo = SampleImages.eighthSizePhoto(sample);
        PhotoUploaded job = new PhotoUploaded(photoId, files.storeOriginal(photoId, photo), BlobStore.sha256(photo),
                Instant.now(), null, null);
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, photoId.getBytes(StandardCharsets.UTF_8),
                codec.encode(job))).get();
    }
}
