package dev.photoqueue.queue.api;

import java.util.concurrent.CompletableFuture;

/**
 * Appends records to topics. Thread-safe: many threads may share one producer, and records sent
 * to one partition from one thread keep their order.
 *
 * <p>{@link #send} does not wait for the write: the future completes once the backend has
 * acknowledged the record under the topic's durability policy (written to the OS, forced to disk,
 * or replicated, depending on backend and configuration), or fails with a {@link QueueException}.
 *
 * <p>Back pressure: while the target partition's backlog is at its topic's maximum
 * ({@link TopicConfigs#MAX_BACKLOG_RECORDS}, {@link TopicConfigs#MAX_BACKLOG_BYTES}), {@link #send}
 * blocks the caller until the slowest consumer group catches up, for at most the backend's maximum
 * block time, then fails with {@link BacklogFullException}; {@link #trySend} fails at once instead.
 */
public interface Producer extends AutoCloseable {

    CompletableFuture<RecordMetadata> send(ProducerRecord record);

    /**
     * As {@link #send}, but never waits for room: when the target partition's backlog is at its
     * limit the future fails at once with {@link BacklogFullException}.
     */
    CompletableFuture<RecordMetadata> trySend(ProducerRecord record);

    /** Blocks until every record sent before this call is acknowledged or failed. */
    void flush();

    /** Flushes, then releases the producer. Further sends fail with {@link QueueClosedException}. */
    @Override
    void close();
}
