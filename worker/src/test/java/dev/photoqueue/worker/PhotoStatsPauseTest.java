package dev.photoqueue.worker;

import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PhotoStats#whilePaused} on a real in-house log: during the pause the group has no
 * member, after it the consumer is back and reads from the positions the pause left, with the
 * counts kept; an action that throws brings it back all the same.
 */
class PhotoStatsPauseTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final MessageCodec CODEC = new MessageCodec();

    @TempDir
    Path dir;
    private QueueBackend backend;

    @BeforeEach
    void open() {
        backend = QueueBackends.open(Map.of("backend", "inhouse", "data.dir", dir.resolve("queue").toString()));
        backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 3));
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void aResetWhilePausedIsReadFromAfterwardsAndCountedAsReplayed() {
        processed(0, 10);
        try (PhotoStats stats = PhotoStats.start(backend, dir.resolve("stats"))) {
            awaitCounted(stats, 10);
            Map<TopicPartition, Long> moved = stats.whilePaused(TIMEOUT, () -> {
                assertEquals(List.of(), backend.admin().describeGroup(PhotoStats.GROUP).members(),
                        "the consumer is out of the group during the pause");
                return backend.admin().resetOffsets(PhotoStats.GROUP, Topics.PHOTO_EVENTS, OffsetSpec.earliest());
            });
            assertEquals(3, moved.size(), moved.toString());
            moved.values().forEach(offset -> assertEquals(0L, offset, moved.toString()));
            awaitCounted(stats, 20);
            assertEquals(new PhotoStats.UserCount("u", 20, 10, 0, 10), stats.snapshot().get(0),
                    "the 10 photos read again count as replayed, not as new photos");
            assertEquals(1, backend.admin().describeGroup(PhotoStats.GROUP).members().size(), "the consumer is back");
        }
    }

    @Test
    void anActionThatThrowsStillBringsTheConsumerBack() {
        processed(0, 5);
        try (PhotoStats stats = PhotoStats.start(backend, dir.resolve("stats"))) {
            awaitCounted(stats, 5);
            IllegalArgumentException refused = new IllegalArgumentException("the reset was refused");
            assertSame(refused, assertThrows(IllegalArgumentException.class, () -> stats.whilePaused(TIMEOUT, () -> {
                throw refused;
            })));
            processed(5, 8);
            awaitCounted(stats, 8);
            assertEquals(new PhotoStats.UserCount("u", 8, 8, 0, 0), stats.snapshot().get(0));
        }
    }

    @Test
    void stoppedStatsRefuseAPauseWithoutRunningTheAction() {
        PhotoStats stats = PhotoStats.start(backend, dir.resolve("stats"));
        stats.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> stats.whilePaused(TIMEOUT, () -> {
                    throw new AssertionError("the action ran on stopped stats");
                }));
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
    }

    /** Publishes one PhotoProcessed of user "u" for each photo {@code from} to {@code to} - 1. */
    private void processed(int from, int to) {
        try (Producer producer = backend.producer()) {
            for (int i = from; i < to; i++) {
                String id = "p" + i;
                producer.send(ProducerRecord.of(Topics.PHOTO_EVENTS, id.getBytes(StandardCharsets.UTF_8),
                        CODEC.encode(new PhotoProcessed(id, List.of(new PhotoProcessed.ProcessedVariant("thumb",
                                "photos/" + id + "/t.jpg", 150, 150, 1234)), new PhotoProcessed.Timings(1, 2, 3, 4, 10),
                                "w", 1, false, "u"))));
            }
            producer.flush();
        }
    }

    private static void awaitCounted(PhotoStats stats, long counted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (stats.summary(1).counted() < counted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("counted " + stats.summary(1).counted() + " of " + counted + " events within "
                        + TIMEOUT);
            }
            Thread.onSpinWait();
        }
    }
}
