package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

/** What the coordinator needs to know about topics: their partitions and extents. */
public interface PartitionSource {

    /** {@link dev.photoqueue.queue.api.UnknownTopicException} when the topic does not exist (and is not created). */
    int partitionCount(String topic);

    long startOffset(TopicPartition partition);

    long endOffset(TopicPartition partition);

    /** The first offset whose timestamp is at or after {@code timestamp}, or the end offset when none is. */
    long offsetForTimestamp(TopicPartition partition, long timestamp);
}
