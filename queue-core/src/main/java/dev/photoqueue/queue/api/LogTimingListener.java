package dev.photoqueue.queue.api;

/**
 * Told how long the in-house log's disk work takes, for a monitoring system to time it: each
 * batch's write to its segment file and each force ({@code fsync}) of a partition. Bound with
 * {@link QueueBackend#timeLog}; while none is bound the log reads no clock for it.
 *
 * <p>Called on the log's writer and scheduler threads, inside the write path: an implementation
 * must be quick, must not block and must not throw.
 */
public interface LogTimingListener {

    /** A batch of {@code records} records was written to {@code partition}'s active segment in {@code nanos}. */
    void batchWritten(TopicPartition partition, int records, long nanos);

    /** {@code partition}'s active segment was forced to disk in {@code nanos}. */
    void forced(TopicPartition partition, long nanos);
}
