package dev.photoqueue.upload.metrics;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.api.UnknownTopicException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Gauges of the queue that take admin calls to read: {@code photoqueue_group_lag{group, topic,
 * partition}} (records of the partition the group has not finished: end offset minus committed
 * position, for every group the queue lists) and {@code photoqueue_dlq_depth{topic}} (dead letters
 * of each {@code *.dlq} topic not yet redriven).
 *
 * <p>A scrape never waits for the queue: on Kafka a group description asks the group coordinator
 * and the partition leaders, and a broker that died a moment ago holds such a call for the whole
 * request timeout; listing dead letters reads the whole dead-letter topic and waits for a redrive
 * in progress. So two threads of their own read them, the lag every {@link #LAG_EVERY} and the
 * dead letters every {@link #DLQ_EVERY} (each read starts that long after the last one ended, so a
 * hanging call delays only that gauge's next read), and the gauges show the last reading. A failed
 * or hanging read leaves the last values; {@code photoqueue_queue_gauge_age_seconds{gauge}} says
 * how old they are, for an alert to watch. A group or topic gone since the last read loses its
 * series.
 */
public final class QueueGauges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueGauges.class);
    static final Duration LAG_EVERY = Duration.ofSeconds(2);
    static final Duration DLQ_EVERY = Duration.ofSeconds(5);

    private final Admin admin;
    private final ScheduledExecutorService readers = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "queue-gauges");
        t.setDaemon(true);
        return t;
    });
    private final Reading lag;
    private final Reading dlqDepth;

    /**
     * One family of gauges, read by one task: a gauge per label set, registered when the set first
     * appears and removed when a reading no longer has it. A set that stays keeps its gauge (its
     * value is replaced), so a scrape never meets a series being removed and added again.
     */
    private static final class Reading {
        final String name;
        final String metric;
        final String description;
        final MeterRegistry registry;
        final Supplier<Map<Tags, Long>> read;
        final Map<Tags, AtomicLong> values = new HashMap<>(); // the reading task only
        final Map<Tags, Gauge> gauges = new HashMap<>(); // the reading task only
        /** When the last read succeeded, by {@link System#nanoTime}; the start while none has. */
        volatile long readAtNanos = System.nanoTime();
        /** Touched by the reading task only: a run of failures logs once. */
        boolean failing;

        Reading(String name, String metric, String description, MeterRegistry registry,
                Supplier<Map<Tags, Long>> read) {
            this.name = name;
            this.metric = metric;
            this.description = description;
            this.registry = registry;
            this.read = read;
        }

        void read() {
            Map<Tags, Long> now;
            try {
                now = read.get();
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    // close() interrupts a read under way: the app stops, the queue did not fail
                    return;
                }
                if (!failing) {
                    LOG.warn("queue gauges: reading {} failed; it keeps its last values and is read again: {}", name,
                            e.toString());
                    failing = true;
                }
                return;
            }
            now.forEach((tags, value) -> values.computeIfAbsent(tags, t -> {
                AtomicLong holder = new AtomicLong();
                gauges.put(t, Gauge.builder(metric, holder, AtomicLong::get).description(description).tags(t)
                        .register(registry));
                return holder;
            }).set(value));
            for (Tags gone : new ArrayList<>(values.keySet())) {
                if (!now.containsKey(gone)) {
                    values.remove(gone);
                    registry.remove(gauges.remove(gone));
                }
            }
            readAtNanos = System.nanoTime();
            if (failing) {
                LOG.info("queue gauges: reading {} works again", name);
                failing = false;
            }
        }

        double ageSeconds() {
            return (System.nanoTime() - readAtNanos) / 1e9;
        }
    }

    private QueueGauges(Admin admin, MeterRegistry registry) {
        this.admin = admin;
        this.lag = new Reading("group_lag", "photoqueue.group.lag", "Records of a partition a consumer group has "
                + "not finished (end offset minus committed position), read every " + LAG_EVERY.toSeconds() + " s",
                registry, this::lagRows);
        this.dlqDepth = new Reading("dlq_depth", "photoqueue.dlq.depth", "Dead letters of a dead-letter topic not "
                + "yet redriven, read every " + DLQ_EVERY.toSeconds() + " s", registry, this::dlqRows);
        for (Reading r : List.of(lag, dlqDepth)) {
            Gauge.builder("photoqueue.queue.gauge.age", r, Reading::ageSeconds)
                    .description("Seconds since a gauge read from the queue in the background (group_lag, "
                            + "dlq_depth) was last read successfully")
                    .tag("gauge", r.name)
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    /** Registers the gauges on {@code registry} and starts reading them at once, then at their intervals. */
    public static QueueGauges start(Admin admin, MeterRegistry registry) {
        QueueGauges gauges = new QueueGauges(admin, registry);
        gauges.readers.scheduleWithFixedDelay(gauges.lag::read, 0, LAG_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        gauges.readers.scheduleWithFixedDelay(gauges.dlqDepth::read, 0, DLQ_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return gauges;
    }

    private Map<Tags, Long> lagRows() {
        Map<Tags, Long> rows = new HashMap<>();
        for (String group : new TreeSet<>(admin.listGroups())) {
            GroupDescription d;
            try {
                d = admin.describeGroup(group);
            } catch (UnknownGroupException e) {
                continue; // gone between the listing and the description
            }
            for (GroupDescription.PartitionLag p : d.partitions()) {
                rows.put(Tags.of("group", group, "topic", p.topicPartition().topic(),
                        "partition", String.valueOf(p.topicPartition().partition())), Math.max(0, p.lag()));
            }
        }
        return rows;
    }

    private Map<Tags, Long> dlqRows() {
        Map<Tags, Long> rows = new HashMap<>();
        for (String topic : new TreeSet<>(admin.listTopics())) {
            if (topic.endsWith(DeadLetters.SUFFIX)) {
                try {
                    rows.put(Tags.of("topic", topic), (long) admin.deadLetters(topic).size());
                } catch (UnknownTopicException e) {
                    // deleted since the listing
                }
            }
        }
        return rows;
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
