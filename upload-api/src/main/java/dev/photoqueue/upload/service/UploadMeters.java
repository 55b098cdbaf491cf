package dev.photoqueue.upload.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The meters of uploads: {@code photoqueue_uploads_total{mode, outcome}} (accepted, or the reason
 * of a refusal) and {@code photoqueue_upload_seconds{mode}}, a histogram of the time the service
 * took to accept an upload: for {@code async} until the queue acknowledged the job, for
 * {@code sync} until the variants were written. Refusals are counted, not timed: a fast 415 would
 * pull the accepted uploads' percentiles down. Both modes' meters exist from the start. Thread-safe.
 */
final class UploadMeters {

    /** From an async upload of a small photo (milliseconds) to a sync one of a large photo (seconds). */
    static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Timer async;
    private final Timer sync;

    UploadMeters(MeterRegistry registry) {
        this.registry = registry;
        this.async = timer("async");
        this.sync = timer("sync");
        counter("async", "accepted");
        counter("sync", "accepted");
    }

    private Timer timer(String mode) {
        return Timer.builder("photoqueue.upload")
                .description("Time to accept an upload: async until the queue acknowledged its job, sync until its "
                        + "variants were written")
                .tag("mode", mode)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Counter counter(String mode, String outcome) {
        return Counter.builder("photoqueue.uploads")
                .description("Uploads by mode (async, sync) and outcome: accepted, or why one was refused")
                .tag("mode", mode)
                .tag("outcome", outcome)
                .register(registry);
    }

    /** An upload accepted after {@code nanos}. */
    void accepted(boolean syncMode, long nanos) {
        counter(syncMode ? "sync" : "async", "accepted").increment();
        (syncMode ? sync : async).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An upload refused for {@code reason}. */
    void refused(boolean syncMode, UploadRejectedException.Reason reason) {
        counter(syncMode ? "sync" : "async", reason.name().toLowerCase(Locale.ROOT)).increment();
    }
}
