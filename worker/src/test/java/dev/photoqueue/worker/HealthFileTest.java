package dev.photoqueue.worker;

import dev.photoqueue.queue.api.BackendHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat file is rewritten while workers run and the backend is up, and left to age otherwise. */
class HealthFileTest {

    private static final BackendHealth UP = BackendHealth.up("data directory /tmp/q", Instant.now());
    /** Generous: a loaded machine may stall the heartbeat's thread for seconds. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void beatsWhileWorkersRunAndStopsWhenNoneDoes() throws Exception {
        Path file = dir.resolve("worker.health");
        AtomicInteger live = new AtomicInteger(2);
        AtomicInteger beats = new AtomicInteger();
        try (HealthFile health = new HealthFile(file, () -> {
            beats.incrementAndGet();
            return live.get();
        }, () -> UP, Duration.ofMillis(20))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.exists(file)) {
                assertTrue(System.nanoTime() < deadline, "no heartbeat written within " + WAIT);
                Thread.sleep(10);
            }
            assertTrue(Files.readString(file).startsWith("ok 2 workers "), Files.readString(file));

            live.set(0);
            // beats run one after another: once two more have begun, the one in flight when the
            // count dropped has landed, and every later one saw no worker
            awaitBeats(beats, beats.get() + 2);
            String last = Files.readString(file);
            awaitBeats(beats, beats.get() + 10);
            assertEquals(last, Files.readString(file), "no worker runs: ten beats later the file has aged");
        }
    }

    /** Waits until the heartbeat has asked for the worker count {@code count} times in all. */
    private static void awaitBeats(AtomicInteger beats, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (beats.get() < count) {
            assertTrue(System.nanoTime() < deadline, "the heartbeat looked " + beats.get() + " times, not " + count
                    + ", within " + WAIT);
            Thread.sleep(10);
        }
    }

    @Test
    void beatsOnlyWhileTheQueueBackendIsUp() throws Exception {
        Path file = dir.resolve("worker.health");
        BackendHealth down = BackendHealth.down("no answer from Kafka at kafka:9092", Instant.now());
        AtomicReference<BackendHealth> backend = new AtomicReference<>(down);
        AtomicInteger checks = new AtomicInteger();
        try (HealthFile health = new HealthFile(file, () -> 1, () -> {
            checks.incrementAndGet();
            return backend.get();
        }, Duration.ofMillis(20))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (checks.get() < 5) {
                assertTrue(System.nanoTime() < deadline, "the backend's health was not checked");
                Thread.sleep(10);
            }
            assertFalse(Files.exists(file), "no heartbeat while the backend is down");

            backend.set(UP);
            while (!Files.exists(file)) {
                assertTrue(System.nanoTime() < deadline, "no heartbeat after the backend came back");
                Thread.sleep(10);
            }
            assertTrue(Files.readString(file).startsWith("ok 1 workers "), Files.readString(file));
        }
    }
}
