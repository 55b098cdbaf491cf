package dev.photoqueue.worker.metrics;

import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Meters what the events of {@code photo.events} tell: photos processed by outcome, deliveries,
 * and how long processing took, in all and per variant. One instance per source of events: the
 * upload API feeds it every event of the topic (every worker's), a worker process the events its
 * own workers wrote; the two use different name prefixes, so a sum over both never counts a photo
 * twice. Thread-safe.
 *
 * <p>Names, with prefix {@code p} (Prometheus form):
 * <ul>
 * <li>{@code p_photos_processed_total{outcome}}: {@code done} (variants written), {@code duplicate}
 *     (found written before: a job delivered again), {@code failed} (given up: it goes to the
 *     dead-letter topic);</li>
 * <li>{@code p_deliveries_total}: jobs handed to a worker, redeliveries included;</li>
 * <li>{@code p_photo_processing_seconds}: histogram of the time a worker took to make a photo's
 *     variants (read, decode, render, write), duplicates left out (they render nothing);</li>
 * <li>{@code p_variant_processing_seconds{variant}}: histogram of the time one variant took to
 *     scale, encode and write (the shared decode not included). A separate metric rather than a
 *     {@code variant="all"} label, so that summing over {@code variant} means something.</li>
 * </ul>
 * Every counter exists from the start at 0, so that a rate over it is defined before the first event.
 */
public final class PhotoEventMetrics {

    /** Bucket bounds of the processing histograms: a thumbnail takes milliseconds, a large photo seconds. */
    public static final Duration[] PROCESSING_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60)};
    /** More variant names than this are not metered: a label must not grow with bad input. */
    static final int MAX_VARIANTS = 32;

    private final MeterRegistry registry;
    private final String prefix;
    private final String source;
    private final Counter done;
    private final Counter duplicate;
    private final Counter failed;
    private final Counter deliveries;
    private final Timer processing;
    private final Map<String, Timer> variants = new ConcurrentHashMap<>();

    /**
     * @param prefix the names' prefix in Micrometer's dotted form, e.g. {@code photoqueue}
     * @param source whose events are counted, ending each meter's description, e.g. "by every worker,
     *               as photo.events tells"
     */
    public PhotoEventMetrics(MeterRegistry registry, String prefix, String source) {
        this.registry = registry;
        this.prefix = prefix;
        this.source = source;
        done = outcome("done");
        duplicate = outcome("duplicate");
        failed = outcome("failed");
        deliveries = Counter.builder(prefix + ".deliveries")
                .description("Photo jobs handed to a worker, redeliveries included, " + source)
                .register(registry);
        processing = Timer.builder(prefix + ".photo.processing")
                .description("Time a worker took to make a photo's variants (duplicates left out), " + source)
                .serviceLevelObjectives(PROCESSING_BUCKETS)
                .register(registry);
    }

    private Counter outcome(String outcome) {
        return Counter.builder(prefix + ".photos.processed")
                .description("Photos whose job ended, by outcome: done, duplicate (done before) or failed "
                        + "(dead-lettered), " + source)
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Counts {@code event}; release notices count nothing here. */
    public void record(PhotoEvent event) {
        if (event instanceof PhotoProcessed p) {
            if (p.duplicate()) {
                duplicate.increment();
                return;
            }
            done.increment();
            processing.record(p.timings().totalMicros(), TimeUnit.MICROSECONDS);
            p.timings().variantMicros().forEach((name, micros) -> {
                Timer timer = variant(name);
                if (timer != null && micros != null) {
                    timer.record(micros, TimeUnit.MICROSECONDS);
                }
            });
        } else if (event instanceof PhotoFailed) {
            failed.increment();
        } else if (event instanceof PhotoDelivered) {
            deliveries.increment();
        }
    }

    private Timer variant(String name) {
        Timer timer = variants.get(name);
        if (timer != null || variants.size() >= MAX_VARIANTS) {
            return timer;
        }
        return variants.computeIfAbsent(name, n -> Timer.builder(prefix + ".variant.processing")
                .description("Time one variant of a photo took to scale, encode and write, " + source)
                .tag("variant", n)
                .serviceLevelObjectives(PROCESSING_BUCKETS)
                .register(registry));
    }
}
