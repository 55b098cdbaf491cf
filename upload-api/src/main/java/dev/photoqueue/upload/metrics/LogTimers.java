package dev.photoqueue.upload.metrics;

import dev.photoqueue.queue.api.LogTimingListener;
import dev.photoqueue.queue.api.TopicPartition;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The in-house log's disk times as Prometheus histograms, per topic:
 * {@code photoqueue_log_append_seconds} (one batch written to its segment file: the write call,
 * which reaches the OS's page cache) and {@code photoqueue_log_force_seconds} (one {@code fsync}
 * of a partition: per batch on {@code fsync=always} topics such as {@code photo.uploaded},
 * periodically on the others). Bound with {@link dev.photoqueue.queue.api.QueueBackend#timeLog};
 * on Kafka nothing is timed and the meters never appear. A topic's timers are made at its first
 * write. Thread-safe.
 */
public final class LogTimers implements LogTimingListener {

    /** From a page-cache write (tens of microseconds) to a force on a slow disk (a second). */
    static final Duration[] BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1)};

    private final MeterRegistry registry;
    private final Map<String, Timer> appends = new ConcurrentHashMap<>();
    private final Map<String, Timer> forces = new ConcurrentHashMap<>();

    public LogTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void batchWritten(TopicPartition partition, int records, long nanos) {
        appends.computeIfAbsent(partition.topic(), topic -> Timer.builder("photoqueue.log.append")
                        .description("Time the in-house log took to write one batch of records to a partition's "
                                + "segment file (the write, not the force), per topic")
                        .tag("topic", topic)
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void forced(TopicPartition partition, long nanos) {
        forces.computeIfAbsent(partition.topic(), topic -> Timer.builder("photoqueue.log.force")
                        .description("Time the in-house log took to force a partition's segment file to disk "
                                + "(fsync), per topic")
                        .tag("topic", topic)
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
