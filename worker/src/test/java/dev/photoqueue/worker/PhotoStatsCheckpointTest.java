package dev.photoqueue.worker;

import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PhotoStats} on a real in-house log: a start after a clean close continues from the
 * checkpoint and reads only the records after it, with the counts a full replay makes; a damaged
 * checkpoint, or a group moved since, makes it count everything again.
 */
class PhotoStatsCheckpointTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;
    private QueueBackend backend;
    private long sent;
    private long processedSent;

    @BeforeEach
    void open() {
        backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dir.resolve("queue").toString()));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 3));
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** Photos {@code from} to {@code to} - 1: each delivered and processed, every third twice (a redelivery). */
    private void send(int from, int to) {
        try (Producer producer = backend.producer()) {
            for (int i = from; i < to; i++) {
                String id = "p" + i;
                String user = "u" + (i % 4);
                send(producer, id, new PhotoDelivered(id, 1, "m", "w", "at-least-once"));
                send(producer, id, processed(id, user, 1));
                if (i % 3 == 0) {
                    send(producer, id, processed(id, user, 2));
                }
            }
            producer.flush();
        }
    }

    private void send(Producer producer, String id, PhotoEvent event) {
        producer.send(ProducerRecord.of(Topics.PHOTO_EVENTS, id.getBytes(StandardCharsets.UTF_8),
                CODEC.encode(event)));
        sent++;
        if (event instanceof PhotoProcessed) {
            processedSent++;
        }
    }

    private static PhotoProcessed processed(String id, String user, int delivery) {
        return new PhotoProcessed(id, List.of(new PhotoProcessed.ProcessedVariant("thumb", "photos/" + id + "/t.jpg",
                150, 150, 1234)), new PhotoProcessed.Timings(1, 2, 3, 4, 10), "w", delivery, delivery > 1, user);
    }

    /**
     * Starts the stats on {@code seenDir} and waits until they have counted every processed event
     * sent and read at least {@code records} records.
     */
    private PhotoStats counted(Path seenDir, long records) {
        PhotoStats stats = PhotoStats.start(backend, seenDir);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (stats.summary(1).counted() < processedSent || stats.recordsRead() < records) {
            if (System.nanoTime() > deadline) {
                stats.close();
                throw new AssertionError("counted " + stats.summary(1).counted() + " of " + processedSent
                        + " events within " + TIMEOUT);
            }
            Thread.onSpinWait();
        }
        return stats;
    }

    /** The counts of a replay of all of photo.events into a fresh folder (while no other stats run: one group). */
    private List<PhotoStats.UserCount> fullReplay() {
        try (PhotoStats fresh = counted(dir.resolve("fresh"), sent)) {
            assertEquals(sent, fresh.recordsRead(), "a fresh folder: every record read");
            return fresh.snapshot();
        }
    }

    @Test
    void restartAfterACleanCloseReadsOnlyTheRecordsAfterTheCheckpointAndCountsAsAFullReplay() {
        Path seen = dir.resolve("stats");
        send(0, 300);
        long before = sent;
        try (PhotoStats first = counted(seen, before)) {
            assertEquals(before, first.recordsRead());
        }
        send(300, 400);
        List<PhotoStats.UserCount> continued;
        try (PhotoStats second = counted(seen, sent - before)) {
            assertEquals(sent - before, second.recordsRead(), "only the records after the checkpoint");
            continued = second.snapshot();
        }
        assertEquals(fullReplay(), continued);
        assertEquals(new PhotoStats.UserCount("u0", 134, 100, 34, 0), continued.get(0),
                "100 photos of u0, 34 of them processed twice");
    }

    @Test
    void damagedCheckpointMakesTheStatsCountEverythingAgain() throws IOException {
        Path seen = dir.resolve("stats");
        send(0, 200);
        counted(seen, sent).close();
        Path checkpoint = seen.resolve("checkpoint");
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(checkpoint, bytes);
        send(200, 250);
        List<PhotoStats.UserCount> counts;
        try (PhotoStats again = counted(seen, sent)) {
            assertEquals(sent, again.recordsRead(), "every record read again");
            counts = again.snapshot();
        }
        assertEquals(fullReplay(), counts);
    }

    @Test
    void groupMovedSinceTheCheckpointMakesTheStatsCountEverythingAgainNotTwice() {
        Path seen = dir.resolve("stats");
        send(0, 200);
        counted(seen, sent).close();
        // as a replay of the group, or a crash after the checkpoint, leaves it: not where the checkpoint says
        backend.admin().resetOffsets(PhotoStats.GROUP, Topics.PHOTO_EVENTS, OffsetSpec.earliest());
        try (PhotoStats again = counted(seen, sent)) {
            assertEquals(sent, again.recordsRead(), "every record read again");
            assertEquals(processedSent, again.summary(1).counted(), "each event counted once");
            assertTrue(again.snapshot().stream().allMatch(u -> u.replayed() == 0), again.snapshot().toString());
        }
    }
}
