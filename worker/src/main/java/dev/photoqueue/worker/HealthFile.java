package dev.photoqueue.worker;

import dev.photoqueue.queue.api.BackendHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The heartbeat of a worker process for a container health check: every {@code every} it rewrites
 * {@code file} (temp file and atomic rename) while at least one worker runs and the queue backend
 * reports itself up ({@link dev.photoqueue.queue.api.QueueBackend#health}), and leaves it alone
 * otherwise. A check that the file changed within a few periods tells a working process from a
 * hung one, one whose workers all died, or one cut off from its Kafka cluster. Thread-safe.
 */
final class HealthFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthFile.class);

    private final Path file;
    private final IntSupplier liveWorkers;
    private final Supplier<BackendHealth> backend;
    /** Whether the last beat found the backend down; only the timer thread touches it. */
    private boolean backendDown;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "worker-health");
        t.setDaemon(true);
        return t;
    });

    HealthFile(Path file, IntSupplier liveWorkers, Supplier<BackendHealth> backend, Duration every) {
        this.file = file.toAbsolutePath();
        this.liveWorkers = liveWorkers;
        this.backend = backend;
        timer.scheduleWithFixedDelay(this::beat, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One beat; an exception is logged and the next beat comes all the same. */
    private void beat() {
        try {
            beatOnce();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat into {} failed; trying again in the next beat: {}", file, e.toString());
        }
    }

    private void beatOnce() {
        int live = liveWorkers.getAsInt();
        if (live == 0) {
            return;
        }
        BackendHealth health = backend.get();
        if (!health.up()) {
            if (!backendDown) {
                LOG.warn("queue backend down since {} ({}): the heartbeat in {} stops until it is up again",
                        health.since(), health.detail(), file);
            }
            backendDown = true;
            return;
        }
        if (backendDown) {
            LOG.info("queue backend up again ({}): the heartbeat in {} goes on", health.detail(), file);
            backendDown = false;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, "ok " + live + " workers " + Instant.now() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write the health file {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
