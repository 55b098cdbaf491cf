package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status view's reading through its decoding pipeline: records that cannot be read are
 * skipped without stopping the rest, and a close in the middle of a rebuild checkpoints exactly
 * what was applied, so the next start reads every other record once. Real logs and index files.
 */
class StatusViewReadingTest {

    private static final JobProgress IDLE = ViewLogs.IDLE;
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;

    private static QueueBackend open(Path dataDir) {
        return ViewLogs.open(dataDir, 3);
    }

    /** Job, delivery and outcome of photos {@code first} to {@code first + count - 1}; returns how many records. */
    private static int photos(Producer producer, int first, int count) throws Exception {
        for (int i = first; i < first + count; i++) {
            String id = "p" + i;
            send(producer, Topics.PHOTO_UPLOADED, id, CODEC.encode(new PhotoUploaded(id, "originals/" + id,
                    String.format("%064x", i), Instant.parse("2024-05-01T10:00:00Z").plusSeconds(i), "user", "Lisbon",
                    "photo.jpg")));
            send(producer, Topics.PHOTO_EVENTS, id, CODEC.encode(new PhotoDelivered(id, 1, "m1", "w1", "at-least-once")));
            send(producer, Topics.PHOTO_EVENTS, id, CODEC.encode(new PhotoProcessed(id,
                    List.of(new PhotoProcessed.ProcessedVariant("thumb", "photos/" + id + "/thumb.jpg", 150, 100, 4_000L)),
                    new PhotoProcessed.Timings(1, 2, 3, 4, 10), "w1", 1, false, "user")));
        }
        return 3 * count;
    }

    private static void send(Producer producer, String topic, String key, byte[] value) throws Exception {
        producer.send(ProducerRecord.of(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
    }

    private static boolean done(StatusView view, String id) {
        return view.get(id).map(p -> p.status() == PhotoStatus.DONE).orElse(false);
    }

    @Test
    void recordsThatCannotBeReadAreSkippedAndTheRestApplied() throws Exception {
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int records;
            try (Producer producer = queue.producer()) {
                records = photos(producer, 0, 40);
                send(producer, Topics.PHOTO_UPLOADED, "bad-job", "not json".getBytes(StandardCharsets.UTF_8));
                send(producer, Topics.PHOTO_EVENTS, "bad-event", "{\"type\":".getBytes(StandardCharsets.UTF_8));
                records += 2 + photos(producer, 40, 40);
            }
            int all = records;
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 10)) {
                ViewLogs.await(() -> view.recordsRead() >= all, "every record read, read " + view.recordsRead());
                assertEquals(all, view.recordsRead(), "the skipped records count as read, once");
                for (int i = 0; i < 80; i++) {
                    String id = "p" + i;
                    assertTrue(done(view, id), id + " done");
                    // steps in the same millisecond keep their reading order, which the interleaving decides
                    List<String> steps = view.journey(id).orElseThrow().stream().map(JourneyStep::what).sorted().toList();
                    assertEquals(List.of("delivered", "processed", "uploaded"), steps, id + "'s journey");
                }
                assertEquals(80, view.size(), "the unreadable records name no photo");
            }
        }
    }

    @Test
    void aCloseInTheMiddleOfARebuildCheckpointsWhatWasAppliedAndTheNextStartReadsTheRestOnce() throws Exception {
        int photos = 3_000;
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int records;
            try (Producer producer = queue.producer()) {
                records = photos(producer, 0, photos);
            }
            long firstRead;
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 100)) {
                ViewLogs.await(() -> view.recordsRead() > 0, "the view starts reading");
                view.close(); // mid-rebuild: batches may be polled and not yet applied
                firstRead = view.recordsRead();
            }
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 100)) {
                ViewLogs.await(() -> done(view, "p" + (photos - 1)), "the last photo done");
                ViewLogs.await(() -> view.recordsRead() >= records - firstRead, "the rest read");
                assertEquals(records, firstRead + view.recordsRead(),
                        "every record read once over both starts (first start read " + firstRead + ")");
                for (int i = 0; i < photos; i += 97) {
                    assertTrue(done(view, "p" + i), "p" + i + " done");
                }
                assertEquals(photos, view.size());
            }
        }
    }
}
