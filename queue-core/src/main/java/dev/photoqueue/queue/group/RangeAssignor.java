package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's range assignment: per topic, the members subscribed to it in member-id order each take
 * a contiguous range of partitions; the first {@code partitions % members} take one more. Ignores
 * current owners, so a membership change may move many partitions.
 */
final class RangeAssignor implements PartitionAssignor {

    @Override
    public void assignTopic(String topic, int partitions, List<String> members,
                            Map<TopicPartition, String> currentOwners, Map<String, Set<TopicPartition>> result) {
        int each = partitions / members.size();
        int extra = partitions % members.size();
        int next = 0;
        for (int i = 0; i < members.size(); i++) {
            int count = each + (i < extra ? 1 : 0);
            for (int p = next; p < next + count; p++) {
                result.get(members.get(i)).add(new TopicPartition(topic, p));
            }
            next += count;
        }
    }
}
