package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Kafka's range assignment: per topic, the members subscribed to it in member-id order each take
 * a contiguous range of partitions; the first {@code partitions % members} take one more. Ignores
 * current owners, so a membership change may move many partitions.
 */
final class RangeAssignor implements PartitionAssignor {

    @Override
    public Map<String, Set<TopicPartition>> assign(SortedMap<String, Set<String>> subscriptions,
                                                   Map<String, Integer> partitionCounts,
                                                   Map<TopicPartition, String> currentOwners) {
        Map<String, Set<TopicPartition>> result = new HashMap<>();
        subscriptions.keySet().forEach(m -> result.put(m, new TreeSet<>()));
        for (Map.Entry<String, Integer> topic : partitionCounts.entrySet()) {
            List<String> members = new ArrayList<>();
            subscriptions.forEach((member, topics) -> {
                if (topics.contains(topic.getKey())) {
                    members.add(member);
                }
            });
            if (members.isEmpty()) {
                continue;
            }
            int partitions = topic.getValue();
            int each = partitions / members.size();
            int extra = partitions % members.size();
            int next = 0;
            for (int i = 0; i < members.size(); i++) {
                int count = each + (i < extra ? 1 : 0);
                for (int p = next; p < next + count; p++) {
                    result.get(members.get(i)).add(new TopicPartition(topic.getKey(), p));
                }
                next += count;
            }
        }
        return result;
    }
}
