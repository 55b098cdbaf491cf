package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.photoqueue.queue.group.AssignorFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Kafka's range layout: per topic, members in id order take contiguous ranges, the first
 * {@code partitions % members} one partition more; current owners play no part.
 */
class RangeAssignorTest {

    private final RangeAssignor assignor = new RangeAssignor();

    @Test
    void givesContiguousRangesWithTheExtraPartitionsToTheFirstMembers() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("t"), "a", "b", "c");
        Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, Map.of("t", 8), Map.of());
        assertEquals(tps("t", 0, 1, 2), result.get("a"));
        assertEquals(tps("t", 3, 4, 5), result.get("b"));
        assertEquals(tps("t", 6, 7), result.get("c"));
    }

    @Test
    void laysOutEveryTopicTheSameWaySoTheFirstMembersCarryEveryTopicsExtras() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("x", "y"), "m1", "m2");
        Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, Map.of("x", 3, "y", 5), Map.of());
        Set<TopicPartition> m1 = union(tps("x", 0, 1), tps("y", 0, 1, 2));
        Set<TopicPartition> m2 = union(tps("x", 2), tps("y", 3, 4));
        assertEquals(m1, result.get("m1"));
        assertEquals(m2, result.get("m2"));
    }

    @Test
    void ordersMembersByIdNotByJoinOrder() {
        SortedMap<String, Set<String>> subscriptions = new TreeMap<>();
        subscriptions.put("zed", Set.of("t"));
        subscriptions.put("amy", Set.of("t"));
        Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, Map.of("t", 3), Map.of());
        assertEquals(tps("t", 0, 1), result.get("amy"));
        assertEquals(tps("t", 2), result.get("zed"));
    }

    @Test
    void membersBeyondThePartitionCountGetNothing() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("t"), "a", "b", "c");
        Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, Map.of("t", 2), Map.of());
        assertEquals(tps("t", 0), result.get("a"));
        assertEquals(tps("t", 1), result.get("b"));
        assertEquals(Set.of(), result.get("c"));
    }

    @Test
    void aTopicGoesOnlyToTheMembersSubscribedToIt() {
        SortedMap<String, Set<String>> subscriptions = new TreeMap<>();
        subscriptions.put("a", Set.of("t", "u"));
        subscriptions.put("b", Set.of("u"));
        Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, Map.of("t", 2, "u", 2), Map.of());
        assertEquals(union(tps("t", 0, 1), tps("u", 0)), result.get("a"));
        assertEquals(tps("u", 1), result.get("b"));
    }

    @Test
    void ignoresCurrentOwners() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("t"), "a", "b");
        Map<TopicPartition, String> owners = Map.of(tp("t", 0), "b", tp("t", 1), "b", tp("t", 2), "a");
        assertEquals(assignor.assign(subscriptions, Map.of("t", 4), Map.of()),
                assignor.assign(subscriptions, Map.of("t", 4), owners));
    }
}
