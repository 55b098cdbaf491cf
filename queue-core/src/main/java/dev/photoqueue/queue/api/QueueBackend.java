package dev.photoqueue.queue.api;

import java.util.Map;

/**
 * One queue backend: the embedded in-house log or a Kafka cluster. The application holds one per
 * process and obtains producers, consumers and the admin from it. Thread-safe.
 *
 * <p>Closing the backend closes what it handed out; records acknowledged before are kept.
 */
public interface QueueBackend extends AutoCloseable {

    /** The backend's name as configured: {@code inhouse} or {@code kafka}. */
    String name();

    Producer producer();

    /**
     * A producer for consume-transform-produce transactions; see {@link TransactionalProducer}.
     * Fences every earlier producer with the same {@code transactionalId}, and waits for a commit
     * one of them has in progress to finish first.
     */
    TransactionalProducer transactionalProducer(String transactionalId);

    Consumer consumer(ConsumerConfig config);

    /** A new member of the consumer group {@code config.groupId()}; it joins on subscribe. */
    GroupConsumer groupConsumer(GroupConsumerConfig config);

    Admin admin();

    /**
     * The backend's last known health, without waiting: the Kafka backend checks its cluster in
     * the background (every {@code kafka.health.interval.ms} while up, with growing delays while
     * down), the in-house backend checks its data directory on the call. A closed backend is down.
     */
    BackendHealth health();

    /**
     * The backend's own counters, by metric name, read on each call: for a monitoring system to
     * alert on. The in-house backend keeps {@value #PERSIST_FAILURES} (writes of group positions
     * that failed; each is retried) and {@value #OFFLINE_PARTITIONS} (partitions that stopped
     * taking writes after a storage failure). Empty where a backend keeps none.
     */
    default Map<String, Long> counters() {
        return Map.of();
    }

    /**
     * Binds {@code listener} to the timings of the backend's own log, replacing the one bound
     * before; null unbinds. The in-house backend times each batch written and each force; Kafka's
     * log is its brokers', so there nothing is timed here and the call does nothing.
     */
    default void timeLog(LogTimingListener listener) {
    }

    /** Counter name: failed writes of group positions since the backend opened. */
    String PERSIST_FAILURES = "photoqueue.group.persist.failures";

    /** Gauge name: partitions offline now. */
    String OFFLINE_PARTITIONS = "photoqueue.partitions.offline";

    @Override
    void close();
}
