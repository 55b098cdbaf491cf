package dev.photoqueue.upload.http;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.StorageException;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@code /livez} (the process answers), {@code /readyz} and {@code /metrics} (Prometheus text).
 * Ready means: the backend's own health ({@link QueueBackend#health}: the Kafka cluster answered
 * its last background check, the in-house data directory is writable with room left) is up,
 * and the backend answers an admin call within {@value #READY_TIMEOUT_MILLIS} ms. Otherwise 503:
 * {@code {error: "not_ready", detail, since}} while its own health is down (the body names the
 * backend's addresses or directory), {@code {error: "not_ready", detail}} when the admin call
 * fails or does not answer in time.
 */
public final class HealthController {

    static final long READY_TIMEOUT_MILLIS = 2_000;

    private final Supplier<BackendHealth> health;
    private final Admin admin;
    private final PrometheusMeterRegistry registry;
    /** One probe at a time, on a thread of its own: a hanging backend costs one thread, not one per request. */
    private final ExecutorService prober = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "readiness-probe");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<CompletableFuture<Integer>> probe = new AtomicReference<>();

    public HealthController(QueueBackend backend, PrometheusMeterRegistry registry) {
        this(backend::health, backend.admin(), registry);
    }

    HealthController(Supplier<BackendHealth> health, Admin admin, PrometheusMeterRegistry registry) {
        this.health = health;
        this.admin = admin;
        this.registry = registry;
    }

    void live(Context ctx) {
        ctx.json(new Live("live"));
    }

    /** The body of {@code /livez}. */
    record Live(String status) {
    }

    /** The body of a 200 from {@code /readyz}: the topics the backend listed, its addresses or directory. */
    record Ready(String status, int topics, String detail, String since) {
    }

    /** The body of a 503 from {@code /readyz} while the backend's own health is down: since when. */
    record NotReady(String error, String detail, String since) {
    }

    void ready(Context ctx) {
        BackendHealth backend = health.get();
        if (!backend.up()) {
            ctx.status(503).json(new NotReady("not_ready", backend.detail(), backend.since().toString()));
            return;
        }
        try {
            int topics = currentProbe().get(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            ctx.json(new Ready("ready", topics, backend.detail(), backend.since().toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "not_ready", "interrupted while asking the queue backend");
        } catch (ExecutionException e) {
            throw new ApiException(503, "not_ready",
                    "the queue backend failed: " + StorageException.reason(e.getCause()));
        } catch (TimeoutException e) {
            throw new ApiException(503, "not_ready", "the queue backend did not answer within "
                    + READY_TIMEOUT_MILLIS + " ms");
        }
    }

    /** The probe still running, or a new one: requests during a hang wait on the same probe. */
    private CompletableFuture<Integer> currentProbe() {
        return probe.updateAndGet(p -> p != null && !p.isDone() ? p
                : CompletableFuture.supplyAsync(() -> admin.listTopics().size(), prober));
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
