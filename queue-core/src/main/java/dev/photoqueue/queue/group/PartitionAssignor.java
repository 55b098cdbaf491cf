package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/** Computes which member owns which partition. Pure: the same input gives the same output. */
interface PartitionAssignor {

    /**
     * @param subscriptions   member id to the topics it subscribed, sorted by member id
     * @param partitionCounts the partition count of every subscribed topic
     * @param currentOwners   the partitions' owners now (members that are still in the group)
     * @return member id to the partitions it should own; every partition of a subscribed topic goes
     *         to exactly one member subscribed to that topic
     */
    default Map<String, Set<TopicPartition>> assign(SortedMap<String, Set<String>> subscriptions,
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
            if (!members.isEmpty()) {
                assignTopic(topic.getKey(), topic.getValue(), members, currentOwners, result);
            }
        }
        return result;
    }

    /**
     * Spreads the {@code partitions} partitions of {@code topic} over {@code members} (its
     * subscribers, in member-id order), adding them to {@code result}.
     */
    void assignTopic(String topic, int partitions, List<String> members, Map<TopicPartition, String> currentOwners,
                     Map<String, Set<TopicPartition>> result);
}
