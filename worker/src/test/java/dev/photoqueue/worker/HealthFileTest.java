package dev.photoqueue.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The heartbeat file is rewritten while workers run and left to age once none does. */
class HealthFileTest {

    @TempDir
    Path dir;

    @Test
    void beatsWhileWorkersRunAndStopsWhenNoneDoes() throws Exception {
        Path file = dir.resolve("worker.health");
        AtomicInteger live = new AtomicInteger(2);
        try (HealthFile health = new HealthFile(file, live::get, Duration.ofMillis(20))) {
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
}
