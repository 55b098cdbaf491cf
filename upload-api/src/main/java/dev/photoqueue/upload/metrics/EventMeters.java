package dev.photoqueue.upload.metrics;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.worker.ReadLoop;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.Topics;
import dev.photoqueue.worker.metrics.PhotoEventMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The upload API's counters of what the workers did, read from the queue: every event of
 * {@code photo.events} ({@link PhotoEventMetrics} with prefix {@code photoqueue}: photos processed
 * by outcome, deliveries, processing times) and every dead letter of {@code photo.uploaded.dlq}
 * ({@code photoqueue_photos_dead_lettered_total{reason}}, the reason being the dead letter's
 * {@link DeadLetters#CAUSE}: {@code rejected}, {@code max_deliveries}, or {@code unknown} for a
 * letter that names none). So they cover every worker, embedded or in a {@code worker.jar}
 * process, and count each event once: the embedded workers count nothing themselves.
 *
 * <p>Counting starts at the end of both topics as they are when {@link #start} returns: a
 * counter counts what happened while this process ran (as Prometheus expects of a counter that
 * starts at 0), not the retained history, and a replay of the status view does not count again,
 * as this reader never moves back. Events are read as committed (Kafka {@code read_committed}),
 * so an aborted exactly-once outcome is not counted.
 *
 * <p>One thread of its own reads; a failed read is logged and tried again after a second.
 */
public final class EventMeters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventMeters.class);
    private static final String DLQ = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** The reason label of a dead letter without a known cause. */
    static final String UNKNOWN_REASON = "unknown";

    private final Consumer consumer;
    private final PhotoEventMetrics events;
    private final Map<DeadLetterCause, Counter> deadLettered = new EnumMap<>(DeadLetterCause.class);
    private final Counter deadLetteredUnknown;
    private final MeterRegistry registry;
    private final MessageCodec codec = new MessageCodec();
    private final Thread thread;
    private volatile boolean running = true;

    private EventMeters(QueueBackend backend, MeterRegistry registry) {
        this.registry = registry;
        this.events = new PhotoEventMetrics(registry, "photoqueue", "by every worker, as photo.events tells");
        for (DeadLetterCause cause : DeadLetterCause.values()) {
            deadLettered.put(cause, deadLetteredCounter(reasonOf(cause)));
        }
        this.deadLetteredUnknown = deadLetteredCounter(UNKNOWN_REASON);
        this.consumer = backend.consumer(ConsumerConfig.builder().maxPollRecords(500).build());
        this.thread = new Thread(this::run, "event-meters");
        this.thread.setDaemon(true);
    }

    /** The label value of a cause: Prometheus style, {@code max_deliveries}. */
    static String reasonOf(DeadLetterCause cause) {
        return cause.name().toLowerCase(Locale.ROOT);
    }

    private Counter deadLetteredCounter(String reason) {
        return Counter.builder("photoqueue.photos.dead.lettered")
                .description("Photo jobs the thumbnail workers' group gave up on, written to " + DLQ + ", by reason: "
                        + "rejected (a permanent failure), max_deliveries (no ack in MAX_DELIVERIES deliveries, a "
                        + "photo that kills its worker included), unknown")
                .tag("reason", reason)
                .register(registry);
    }

    /**
     * Starts counting from the current end of {@code photo.events} and the dead-letter topic
     * (both must exist): what is written after this returns is counted.
     */
    public static EventMeters start(QueueBackend backend, MeterRegistry registry) {
        EventMeters meters = new EventMeters(backend, registry);
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.PHOTO_EVENTS, DLQ)) {
                for (PartitionInfo p : backend.admin().describeTopic(topic).partitions()) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            meters.consumer.assign(partitions);
            meters.consumer.seekToEnd(partitions);
            // the ends are taken now, not at the first poll: an event written next must be counted
            partitions.forEach(meters.consumer::position);
        } catch (RuntimeException e) {
            meters.consumer.close();
            throw e;
        }
        meters.thread.start();
        return meters;
    }

    private void run() {
        try {
            ReadLoop.repeat("event meters", RETRY, () -> running, () -> {
                for (ConsumerRecord record : consumer.poll(POLL)) {
                    count(record);
                }
            });
        } finally {
            consumer.close();
        }
    }

    private void count(ConsumerRecord record) {
        if (record.topic().equals(DLQ)) {
            Header cause = record.header(DeadLetters.CAUSE);
            DeadLetterCause.fromWireName(cause == null || cause.value() == null ? null : cause.valueAsString())
                    .map(deadLettered::get).orElse(deadLetteredUnknown).increment();
            return;
        }
        PhotoEvent event;
        try {
            event = codec.decodeEvent(record.value());
        } catch (IllegalArgumentException e) {
            LOG.debug("event meters: skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return;
        }
        events.record(event);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(POLL.toMillis() * 10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
