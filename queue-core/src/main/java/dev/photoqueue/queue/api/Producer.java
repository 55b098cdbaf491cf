package dev.photoqueue.queue.api;

import java.util.concurrent.CompletableFuture;

/**
 * Appends records to topics. Thread-safe: many threads may share one producer, and records sent
 * to one partition from one thread keep their order.
 *
 * <p>{@link #send} does not wait for the write: the future completes once the backend has
 * acknowledged the record under the topic's durability policy (written to the OS, forced to disk,
 * or replicated, depending on backend and configuration), or fails with a {@link QueueException}.
 */
public interface Producer extends AutoCloseable {

    CompletableFuture<RecordMetadata> send(ProducerRecord record);

    /** Blocks until every record sent before this call is acknowledged or failed. */
    void flush();

    /** Flushes, then releases the producer. Further sends fail with {@link QueueClosedException}. */
    @Override
    void close();
}
