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

    @TempDir
    Path dir;

    @Test
    void beatsWhileWorkersRunAndStopsWhenNoneDoes() throws Exception {
        Path file = dir.resolve("worker.health");
        AtomicInteger live = new AtomicInteger(2);
        try (HealthFile health = new HealthFile(file, live::get, () -> UP, Duration.ofMillis(20))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(file)) {
                assertTrue(System.nanoTime() < deadline, "no heartbeat written");
                Thread.sleep(10);
            }
            assertTrue(Files.readString(file).startsWith("ok 2 workers "), Files.readString(file));

            live.set(0);
            Thread.sleep(100); // a beat in flight when the count dropped may still land
            String last = Files.readString(file);
            Thread.sleep(200); // ten periods
            assertEquals(last, Files.readString(file), "no worker runs: the file ages");
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
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
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
