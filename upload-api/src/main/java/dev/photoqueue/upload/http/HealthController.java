package dev.photoqueue.upload.http;

import dev.photoqueue.queue.api.Admin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code /livez} (the process answers), {@code /readyz} (the queue backend answers an admin call
 * within {@value #READY_TIMEOUT_MILLIS} ms, else 503) and {@code /metrics} (Prometheus text).
 */
public final class HealthController {

    static final long READY_TIMEOUT_MILLIS = 2_000;

    private final Admin admin;
    private final PrometheusMeterRegistry registry;

    public HealthController(Admin admin, PrometheusMeterRegistry registry) {
        this.admin = admin;
        this.registry = registry;
    }

    void live(Context ctx) {
        ctx.json(Map.of("status", "live"));
    }

    void ready(Context ctx) {
        try {
            int topics = CompletableFuture.supplyAsync(() -> admin.listTopics().size())
                    .get(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            ctx.json(Map.of("status", "ready", "topics", topics));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "not_ready", "interrupted while asking the queue backend");
        } catch (ExecutionException e) {
            throw new ApiException(503, "not_ready", "the queue backend failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new ApiException(503, "not_ready", "the queue backend did not answer within "
                    + READY_TIMEOUT_MILLIS + " ms");
        }
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
