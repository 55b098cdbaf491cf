package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownTopicException;

import java.util.HashMap;
import java.util.Map;

/** Topics with fixed partition counts and extents, as the test sets them. */
final class FixedPartitionSource implements PartitionSource {

    private final Map<String, Integer> partitions = new HashMap<>();
    private final Map<TopicPartition, Long> starts = new HashMap<>();
    private final Map<TopicPartition, Long> ends = new HashMap<>();

    synchronized FixedPartitionSource topic(String topic, int partitionCount, long endOffset) {
        partitions.put(topic, partitionCount);
        for (int p = 0; p < partitionCount; p++) {
            ends.put(new TopicPartition(topic, p), endOffset);
        }
        return this;
    }

    synchronized FixedPartitionSource start(TopicPartition tp, long startOffset) {
        starts.put(tp, startOffset);
        return this;
    }

    @Override
    public synchronized int partitionCount(String topic) {
        Integer count = partitions.get(topic);
        if (count == null) {
            throw new UnknownTopicException(topic);
        }
        return count;
    }

    @Override
    public synchronized long startOffset(TopicPartition tp) {
        return starts.getOrDefault(tp, 0L);
    }

    @Override
    public synchronized long endOffset(TopicPartition tp) {
        return ends.get(tp);
    }

    @Override
    public synchronized long offsetForTimestamp(TopicPartition tp, long timestamp) {
        return endOffset(tp);
    }
}
