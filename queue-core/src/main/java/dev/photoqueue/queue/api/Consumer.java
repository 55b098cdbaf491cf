package dev.photoqueue.queue.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads records from partitions it is explicitly assigned, from positions it controls, like a
 * Kafka consumer with manual assignment. Not thread-safe: one thread uses a consumer at a time.
 *
 * <p>Reads never return a record past a partition's high watermark, so a record seen here was
 * acknowledged to its producer and will be seen again at the same offset after a restart.
 */
public interface Consumer extends AutoCloseable {

    /** Replaces the assignment. New partitions start at their beginning until {@link #seek} says otherwise. */
    void assign(Collection<TopicPartition> partitions);

    Set<TopicPartition> assignment();

    /** Sets the next offset to read; {@link OffsetOutOfRangeException} if outside start..end. */
    void seek(TopicPartition partition, long offset);

    void seekToBeginning(Collection<TopicPartition> partitions);

    void seekToEnd(Collection<TopicPartition> partitions);

    /** The offset of the next record this consumer reads from the partition. */
    long position(TopicPartition partition);

    /**
     * Returns the next records of the assigned partitions, waiting up to {@code timeout} when none
     * are there yet; an empty list after the timeout. Advances the positions past what it returns.
     * The list is unmodifiable: every backend refuses a change with {@link UnsupportedOperationException}.
     */
    List<ConsumerRecord> poll(Duration timeout);

    Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions);

    /** The high watermarks: the offset the next acknowledged record of each partition will get. */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions);

    /**
     * For each partition, the first offset whose timestamp is at or after the given time (epoch
     * millis), or no entry when every record is older.
     */
    Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps);

    @Override
    void close();
}
