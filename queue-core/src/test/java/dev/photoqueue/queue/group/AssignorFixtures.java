package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds assignor inputs and reads their outputs. */
final class AssignorFixtures {

    private AssignorFixtures() {
    }

    static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    static Set<TopicPartition> tps(String topic, int... partitions) {
        Set<TopicPartition> out = new TreeSet<>();
        for (int p : partitions) {
            out.add(tp(topic, p));
        }
        return out;
    }

    @SafeVarargs
    static Set<TopicPartition> union(Set<TopicPartition>... sets) {
        Set<TopicPartition> out = new TreeSet<>();
        for (Set<TopicPartition> s : sets) {
            out.addAll(s);
        }
        return out;
    }

    /** Every member subscribed to the same topics. */
    static SortedMap<String, Set<String>> subscribe(Set<String> topics, String... members) {
        SortedMap<String, Set<String>> out = new TreeMap<>();
        for (String m : members) {
            out.put(m, topics);
        }
        return out;
    }

    /** The owner of every partition in an assignment. */
    static Map<TopicPartition, String> owners(Map<String, Set<TopicPartition>> assignment) {
        Map<TopicPartition, String> out = new HashMap<>();
        assignment.forEach((member, tps) -> tps.forEach(tp -> {
            String previous = out.put(tp, member);
            if (previous != null) {
                throw new AssertionError(tp + " assigned to both " + previous + " and " + member);
            }
        }));
        return out;
    }

    /** How many partitions changed owner from {@code before} to {@code after} (new or vanished owners included). */
    static int moved(Map<TopicPartition, String> before, Map<TopicPartition, String> after) {
        int moved = 0;
        for (Map.Entry<TopicPartition, String> e : after.entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                moved++;
            }
        }
        return moved;
    }
}
