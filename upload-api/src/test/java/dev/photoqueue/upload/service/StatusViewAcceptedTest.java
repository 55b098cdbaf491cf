package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StatusView#recordAccepted}, which an upload's 202 waits for, shows exactly what reading
 * the job's record shows, and never hides what was read already; the digest of the photo's original
 * is known either way, and again after a restart, from the record.
 */
class StatusViewAcceptedTest {

    private static final JobProgress IDLE = (partition, offset) -> false;

    @TempDir
    Path dir;

    private static QueueBackend open(Path dataDir) {
        QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dataDir.toString()));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, 2));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 2));
        backend.admin().createTopic(new NewTopic(DeadLetters.topicFor(Topics.PHOTO_UPLOADED), 1));
        return backend;
    }

    private static PhotoUploaded job(String id) {
        return new PhotoUploaded(id, "originals/" + id, "0".repeat(64), Instant.parse("2024-05-01T10:00:00Z"),
                "ada", "Lisbon", "GreenMeadow.jpg");
    }

    private static RecordMetadata produce(QueueBackend backend, PhotoUploaded job) throws Exception {
        try (Producer producer = backend.producer()) {
            return producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                    new MessageCodec().encode(job))).get(30, TimeUnit.SECONDS);
        }
    }

    private static PhotoView awaitPhoto(StatusView view, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<PhotoView> photo = view.get(id);
            if (photo.isPresent()) {
                return photo.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the view never read photo " + id);
    }

    @Test
    void theAcceptedPhotoIsThePhotoReadingItsJobMakes() throws Exception {
        PhotoUploaded job = job("p1");
        try (QueueBackend queue = open(dir.resolve("queue"));
             QueueBackend unread = open(dir.resolve("unread"))) {
            RecordMetadata at = produce(queue, job);
            try (StatusView accepting = StatusView.start(unread, IDLE, dir.resolve("unread-view"), 100);
                 StatusView reading = StatusView.start(queue, IDLE, dir.resolve("view"), 100)) {
                accepting.recordAccepted(job, at);
                PhotoView accepted = accepting.get("p1").orElseThrow();
                assertEquals(PhotoStatus.QUEUED, accepted.status());
                assertEquals(accepted, awaitPhoto(reading, "p1"), "the photo as the 202 recorded it and as read");
            }
        }
    }

    @Test
    void acceptingAPhotoTheViewHasReadAlreadyChangesNothing() throws Exception {
        PhotoUploaded job = job("p2");
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            RecordMetadata first = produce(queue, job);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 100)) {
                PhotoView read = awaitPhoto(view, "p2");
                view.recordAccepted(job, new RecordMetadata(Topics.PHOTO_UPLOADED, first.partition(),
                        first.offset() + 100, first.timestamp() + 1));
                assertEquals(read, view.get("p2").orElseThrow());
                assertTrue(view.recent(10).contains(read), "listed once, as read");
                assertEquals(1, view.size());
            }
        }
    }

    @Test
    void theOriginalsDigestIsKnownFromTheAcceptanceAndFromTheRecordAfterARestart() throws Exception {
        PhotoUploaded job = new PhotoUploaded("p3", "originals/p3", "ab".repeat(32), Instant.now(), null, null);
        try (QueueBackend queue = open(dir.resolve("queue"));
             QueueBackend unread = open(dir.resolve("unread"))) {
            RecordMetadata at = produce(queue, job);
            try (StatusView accepting = StatusView.start(unread, IDLE, dir.resolve("unread-view"), 100)) {
                assertEquals(Optional.empty(), accepting.sourceDigest("p3"));
                accepting.recordAccepted(job, at);
                assertEquals(Optional.of(job.sha256()), accepting.sourceDigest("p3"));
            }
        }
        try (QueueBackend reopened = QueueBackends.open(Map.of("backend", "inhouse", "data.dir",
                dir.resolve("queue").toString()));
             StatusView rebuilt = StatusView.start(reopened, IDLE, dir.resolve("view"), 100)) {
            awaitPhoto(rebuilt, "p3");
            assertEquals(Optional.of(job.sha256()), rebuilt.sourceDigest("p3"), "read again from the log");
            assertEquals(Optional.empty(), rebuilt.sourceDigest("p4"), "no job, no digest");
        }
    }
}
