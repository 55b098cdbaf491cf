package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoReleased;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status view's bounded memory and its photo index: photos evicted to disk read back exactly
 * as they were, the cache bound holds while unfinished photos stay, and a restart reads only the
 * log after the index's checkpoint, or all of it when the index is missing, damaged or newer than
 * the log. Real logs and index files in a temporary folder.
 */
class StatusViewStorageTest {

    private static final JobProgress IDLE = ViewLogs.IDLE;
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;

    private static QueueBackend open(Path dataDir) {
        return ViewLogs.open(dataDir, 2);
    }

    /** Writes the records of {@code count} photos from {@code first}; returns how many records. */
    private static int photos(QueueBackend backend, int first, int count, boolean finish) throws Exception {
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        try (Producer producer = backend.producer()) {
            for (int i = first; i < first + count; i++) {
                String id = "p" + i;
                sent.add(send(producer, Topics.PHOTO_UPLOADED, id, CODEC.encode(new PhotoUploaded(id, "originals/" + id,
                        String.format("%064x", i), Instant.parse("2024-05-01T10:00:00Z").plusSeconds(i),
                        "user" + (i % 3), "Lisbon", "photo.jpg"))));
                if (!finish) {
                    continue;
                }
                List<PhotoEvent> events = new ArrayList<>();
                events.add(new PhotoDelivered(id, 1, "m1", "w1", "at-least-once"));
                if (i % 4 == 1) { // released, then delivered again and done
                    events.add(new PhotoReleased(id, 1, "w1", "shutting down"));
                    events.add(new PhotoDelivered(id, 2, "m2", "w2", "at-least-once"));
                }
                if (i % 4 == 2) {
                    events.add(new PhotoFailed(id, "not an image: bad header", 1, true, "w1"));
                } else {
                    events.add(new PhotoProcessed(id, List.of(new PhotoProcessed.ProcessedVariant("thumb",
                            "photos/" + id + "/thumb.jpg", 150, 100, 4_000L + i)),
                            new PhotoProcessed.Timings(1, 2, 3, 4, 10), "w1", i % 4 == 1 ? 2 : 1, i % 4 == 3,
                            "user" + (i % 3)));
                }
                for (PhotoEvent event : events) {
                    sent.add(send(producer, Topics.PHOTO_EVENTS, id, CODEC.encode(event)));
                }
            }
            for (CompletableFuture<RecordMetadata> written : sent) {
                written.get(30, TimeUnit.SECONDS);
            }
        }
        return sent.size();
    }

    /** Sends one record; one producer's records of a partition are appended in the order sent. */
    private static CompletableFuture<RecordMetadata> send(Producer producer, String topic, String key, byte[] value) {
        return producer.send(ProducerRecord.of(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private static void awaitRead(StatusView view, long records) throws InterruptedException {
        ViewLogs.await(() -> view.recordsRead() >= records, "the view reads " + records + " records, read "
                + view.recordsRead());
    }

    private record Shown(Optional<PhotoView> photo, Optional<List<JourneyStep>> journey, Optional<String> digest) {
    }

    private static Map<String, Shown> shown(StatusView view, int count) {
        Map<String, Shown> all = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String id = "p" + i;
            all.put(id, new Shown(view.get(id), view.journey(id).map(StatusViewStorageTest::withoutShownTimes),
                    view.sourceDigest(id)));
        }
        return all;
    }

    /**
     * The journey without its {@code shown} details: a step's {@code shown} is when this view read
     * the outcome, so two views of one log, or one view before and after a rebuild, differ in it by
     * design; everything else must be equal.
     */
    private static List<JourneyStep> withoutShownTimes(List<JourneyStep> steps) {
        return steps.stream().map(s -> {
            Map<String, Object> details = new java.util.LinkedHashMap<>(s.details());
            details.remove("shown");
            return new JourneyStep(s.at(), s.what(), details);
        }).toList();
    }

    @Test
    void evictedPhotosReadBackFromDiskExactlyAsTheyWereInMemory() throws Exception {
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int records = photos(queue, 0, 40, true);
            try (StatusView everything = StatusView.start(queue, IDLE, dir.resolve("big"), 1_000);
                 StatusView bounded = StatusView.start(queue, IDLE, dir.resolve("small"), 3)) {
                awaitRead(everything, records);
                awaitRead(bounded, records);
                assertEquals(40, everything.inMemory());
                assertTrue(bounded.inMemory() <= 3, bounded.inMemory() + " photos in memory");
                assertFalse(bounded.inMemory("p0"), "an early photo was evicted");
                Map<String, Shown> inMemory = shown(everything, 40);
                assertEquals(inMemory, shown(bounded, 40), "status, journey and digest from disk");
                assertTrue(inMemory.get("p1").journey().orElseThrow().stream().anyMatch(s -> s.what().equals(
                        "released")), "the journeys compared have their steps");
                assertEquals(40, bounded.size());
            }
        }
    }

    @Test
    void theCacheBoundHoldsAndUnfinishedPhotosAreNeverEvicted() throws Exception {
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int records = photos(queue, 0, 5, false); // queued, no outcome
            records += photos(queue, 5, 60, true);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 4)) {
                awaitRead(view, records);
                for (int i = 0; i < 5; i++) {
                    assertTrue(view.inMemory("p" + i), "unfinished p" + i + " stays in memory");
                    assertEquals(PhotoStatus.QUEUED, view.get("p" + i).orElseThrow().status());
                }
                assertTrue(view.inMemory() <= 4 + 5, view.inMemory() + " photos in memory, bound 4 + 5 unfinished");
                // a photo read back from disk that changes comes back to memory and goes again
                records += photos(queue, 5, 1, true);
                awaitRead(view, records);
                assertEquals(2, view.journey("p5").orElseThrow().stream().filter(s -> s.what().equals("uploaded")
                        || s.what().equals("redriven")).count(), "the earlier steps of p5 were kept");
                assertTrue(view.inMemory() <= 4 + 5);
            }
        }
    }

    /**
     * While it catches up with the log the view keeps only the last
     * {@value PhotoCache#CATCHING_UP_FINISHED} finished photos in memory; once it has read to the
     * end, the whole cache fills with the photos that come.
     */
    @Test
    void aRebuildKeepsFewerFinishedPhotosInMemoryUntilItHasReadToTheEnd() throws Exception {
        int early = PhotoCache.CATCHING_UP_FINISHED + 300;
        int late = 400;
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int records = photos(queue, 0, early, true);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), early + late + 100)) {
                awaitRead(view, records);
                ViewLogs.await(view::caughtUp, "the view reads to the end of the log");
                assertEquals(PhotoCache.CATCHING_UP_FINISHED, view.inMemory(), "finished photos in memory after"
                        + " the rebuild");
                assertFalse(view.inMemory("p0"), "the first photo went to disk");
                assertTrue(view.get("p0").isPresent(), "and is read from there");

                records += photos(queue, early, late, true);
                awaitRead(view, records);
                ViewLogs.await(() -> view.inMemory() == PhotoCache.CATCHING_UP_FINISHED + late, "every photo that came is"
                        + " shown");
                assertEquals(PhotoCache.CATCHING_UP_FINISHED + late, view.inMemory(), "caught up, the photos that"
                        + " came are all kept");
                assertEquals(early + late, view.size());
            }
        }
    }

    @Test
    void aRestartWithTheIndexReadsOnlyTheLogAfterItsCheckpoint() throws Exception {
        Map<String, Shown> before;
        int first;
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            first = photos(queue, 0, 30, true);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 5)) {
                awaitRead(view, first);
                before = shown(view, 30);
            } // closing publishes a checkpoint
        }
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int tail = photos(queue, 30, 3, true);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 5)) {
                ViewLogs.await(() -> view.get("p32").map(p -> p.status() == PhotoStatus.DONE).orElse(false), "p32 done");
                assertEquals(tail, view.recordsRead(), "only the records after the checkpoint are read");
                assertEquals(before, shown(view, 30), "the photos before, from the index");
                assertEquals(33, view.size());
            }
        }
    }

    @Test
    void aMissingOrDamagedIndexIsRebuiltFromTheLog() throws Exception {
        int records;
        Map<String, Shown> before;
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            records = photos(queue, 0, 20, true);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 5)) {
                awaitRead(view, records);
                before = shown(view, 20);
            }
            Path checkpoint = dir.resolve("view").resolve("checkpoint");
            byte[] bytes = Files.readAllBytes(checkpoint);
            bytes[bytes.length / 2] ^= 0x40;
            Files.write(checkpoint, bytes);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 5)) {
                awaitRead(view, records);
                assertEquals(records, view.recordsRead(), "a damaged index: everything read again");
                assertEquals(before, shown(view, 20));
            }
            try (var files = Files.list(dir.resolve("view"))) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 5)) {
                awaitRead(view, records);
                assertEquals(records, view.recordsRead(), "no index: everything read again");
                assertEquals(before, shown(view, 20));
            }
        }
    }

    @Test
    void aTimedReplayTellsTheStepsOfPhotosOnDiskOnceAsOfPhotosInMemory() throws Exception {
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int before = photos(queue, 0, 10, true);
            long from = System.currentTimeMillis() + 1;
            while (System.currentTimeMillis() <= from) {
                Thread.onSpinWait(); // the records after this have later timestamps
            }
            int after = photos(queue, 10, 10, true);
            try (StatusView everything = StatusView.start(queue, IDLE, dir.resolve("big"), 1_000);
                 StatusView bounded = StatusView.start(queue, IDLE, dir.resolve("small"), 2)) {
                awaitRead(everything, before + after);
                awaitRead(bounded, before + after);
                Map<String, Shown> expected = shown(everything, 20);
                assertFalse(bounded.inMemory("p12"), "a photo of the re-read part is on disk");
                everything.replay(Instant.ofEpochMilli(from));
                bounded.replay(Instant.ofEpochMilli(from));
                awaitRead(everything, before + 2L * after);
                awaitRead(bounded, before + 2L * after);
                assertEquals(expected, shown(everything, 20), "in memory: each step once");
                assertEquals(expected, shown(bounded, 20), "from disk: each step once");
            }
        }
    }

    @Test
    void anIndexNewerThanTheLogIsThrownAwayAndRebuilt() throws Exception {
        try (QueueBackend queue = open(dir.resolve("queue"))) {
            int records = photos(queue, 0, 20, true);
            try (StatusView view = StatusView.start(queue, IDLE, dir.resolve("view"), 5)) {
                awaitRead(view, records);
            }
        }
        // the log is replaced by a shorter one (lost, truncated): the index covers offsets it lacks
        try (QueueBackend shorter = open(dir.resolve("other-queue"))) {
            int records = photos(shorter, 100, 2, true);
            try (StatusView view = StatusView.start(shorter, IDLE, dir.resolve("view"), 5)) {
                awaitRead(view, records);
                assertEquals(records, view.recordsRead());
                assertEquals(Optional.empty(), view.get("p0"), "nothing of the other log is shown");
                assertEquals(PhotoStatus.DONE, view.get("p100").orElseThrow().status());
                assertEquals(2, view.size());
            }
        }
    }
}
