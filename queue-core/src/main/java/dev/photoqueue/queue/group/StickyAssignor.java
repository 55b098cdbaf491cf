package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Balanced and sticky, as Kafka's cooperative sticky assignor: per topic every subscribed member
 * ends with {@code floor} or {@code ceil} of partitions/members, and a partition keeps its current
 * owner unless that owner left, unsubscribed, or holds more than its share. So adding a member
 * moves only the partitions it needs, and removing one moves only the partitions it had.
 */
final class StickyAssignor implements PartitionAssignor {

    @Override
    public void assignTopic(String topic, int partitions, List<String> members,
                            Map<TopicPartition, String> currentOwners, Map<String, Set<TopicPartition>> result) {
        int floor = partitions / members.size();
        int withExtra = partitions % members.size();
        Map<String, Integer> owned = new HashMap<>();
        members.forEach(m -> owned.put(m, 0));
        List<TopicPartition> unowned = new ArrayList<>();
        // Keep current owners up to the ceiling; only `withExtra` members may be at floor + 1.
        int extrasTaken = 0;
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            String owner = currentOwners.get(tp);
            Integer count = owner == null ? null : owned.get(owner);
            boolean keep = count != null && (count < floor || (count == floor && extrasTaken < withExtra));
            if (keep) {
                if (count == floor) {
                    extrasTaken++;
                }
                owned.put(owner, count + 1);
                result.get(owner).add(tp);
            } else {
                unowned.add(tp);
            }
        }
        // Hand the rest to the members with the fewest, ties by member id (deterministic).
        Comparator<String> fewestFirst = Comparator.<String>comparingInt(owned::get).thenComparing(m -> m);
        for (TopicPartition tp : unowned) {
            String member = members.stream().min(fewestFirst).orElseThrow();
            owned.put(member, owned.get(member) + 1);
            result.get(member).add(tp);
        }
    }
}
