package dev.photoqueue.upload.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code http_server_requests_seconds{method, route, status}}: a histogram of request times by the
 * route template that matched ({@code /api/photos/{id}}), never the raw path, so the series stay as
 * many as the routes. A request no route matched is labelled {@value #NOT_FOUND} when answered 404
 * and {@value #UNMATCHED} otherwise (static files, the page, a request refused before routing).
 */
final class RequestMeters {

    static final String NOT_FOUND = "NOT_FOUND";
    static final String UNMATCHED = "unmatched";
    /** From a JSON answer (a millisecond) to a sync upload or a long event stream (tens of seconds). */
    static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;

    RequestMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Records a request answered {@code nanos} after it started. */
    void record(Context ctx, long nanos) {
        Timer.builder("http.server.requests")
                .description("HTTP requests by method, route template and status")
                .tag("method", ctx.method().name())
                .tag("route", route(ctx))
                .tag("status", String.valueOf(ctx.statusCode()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The template of the HTTP route that matched, or one of the two fixed labels when none did. */
    static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        if (matched != null) {
            return matched.path;
        }
        return ctx.statusCode() == 404 ? NOT_FOUND : UNMATCHED;
    }
}
