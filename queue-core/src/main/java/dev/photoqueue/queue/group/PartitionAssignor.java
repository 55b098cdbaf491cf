package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/** Computes which member owns which partition. Pure: the same input gives the same output. */
interface PartitionAssignor {

    /**
     * @param subscriptions  member id to the topics it subscribed, sorted by member id
     * @param partitionCounts the partition count of every subscribed topic
     * @param currentOwners  the partitions' owners now (members that are still in the group)
     * @return member id to the partitions it should own; every partition of a subscribed topic goes
     *         to exactly one member subscribed to that topic
     */
    Map<String, Set<TopicPartition>> assign(SortedMap<String, Set<String>> subscriptions,
                                            Map<String, Integer> partitionCounts,
                                            Map<TopicPartition, String> currentOwners);
}
