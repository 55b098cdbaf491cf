package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.photoqueue.queue.group.AssignorFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Balanced per topic (every member floor or ceil of partitions/members), sticky (a partition keeps
 * a live owner unless balance needs it elsewhere), minimal (a membership change moves no more
 * partitions than balance requires) and deterministic. The randomised cases check those rules
 * against the counts alone, whatever layout the assignor picks.
 */
class StickyAssignorTest {

    private final StickyAssignor assignor = new StickyAssignor();

    @Test
    void spreadsAFreshTopicEvenlyWithExtrasToTheLowestMemberIds() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("t"), "a", "b", "c");
        Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, Map.of("t", 7), Map.of());
        assertEquals(3, result.get("a").size());
        assertEquals(2, result.get("b").size());
        assertEquals(2, result.get("c").size());
        assertEquals(7, owners(result).size());
    }

    @Test
    void keepsABalancedAssignmentAsItIs() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("t"), "a", "b");
        Map<TopicPartition, String> current = new HashMap<>();
        for (int p = 0; p < 5; p++) {
            current.put(tp("t", p), p % 2 == 0 ? "b" : "a");
        }
        assertEquals(current, owners(assignor.assign(subscriptions, Map.of("t", 5), current)));
    }

    @Test
    void addingAMemberMovesOnlyThePartitionsItNeedsAndAllOfThemToIt() {
        Map<TopicPartition, String> before = owners(assignor.assign(subscribe(Set.of("t"), "a", "b"),
                Map.of("t", 6), Map.of()));
        Map<TopicPartition, String> after = owners(assignor.assign(subscribe(Set.of("t"), "a", "b", "c"),
                Map.of("t", 6), before));
        assertEquals(2, moved(before, after));
        after.forEach((tp, owner) -> {
            if (!owner.equals(before.get(tp))) {
                assertEquals("c", owner, tp + " moved between two old members");
            }
        });
    }

    @Test
    void removingAMemberMovesOnlyItsPartitions() {
        Map<TopicPartition, String> before = owners(assignor.assign(subscribe(Set.of("t"), "a", "b", "c"),
                Map.of("t", 7), Map.of()));
        Map<TopicPartition, String> survivors = new HashMap<>(before);
        survivors.values().removeIf("b"::equals);
        Map<TopicPartition, String> after = owners(assignor.assign(subscribe(Set.of("t"), "a", "c"),
                Map.of("t", 7), survivors));
        survivors.forEach((tp, owner) -> assertEquals(owner, after.get(tp), tp + " moved though its owner stayed"));
        assertEquals(7, after.size());
    }

    @Test
    void aMemberAboveTheCeilingGivesUpOnlyItsSurplus() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("t"), "a", "b");
        Map<TopicPartition, String> current = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            current.put(tp("t", p), "a");
        }
        Map<TopicPartition, String> after = owners(assignor.assign(subscriptions, Map.of("t", 6), current));
        assertEquals(3, moved(current, after));
        assertEquals(3, after.values().stream().filter("b"::equals).count());
    }

    @Test
    void balancesEachTopicOnItsOwnAmongItsSubscribers() {
        SortedMap<String, Set<String>> subscriptions = new TreeMap<>();
        subscriptions.put("a", Set.of("t", "u"));
        subscriptions.put("b", Set.of("t"));
        subscriptions.put("c", Set.of("u"));
        Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, Map.of("t", 4, "u", 3), Map.of());
        Map<TopicPartition, String> owners = owners(result);
        assertEquals(7, owners.size());
        owners.forEach((tp, owner) -> assertTrue(subscriptions.get(owner).contains(tp.topic()),
                tp + " went to " + owner + ", who did not subscribe to it"));
        assertEquals(2, count(result.get("a"), "t"));
        assertEquals(2, count(result.get("b"), "t"));
        assertEquals(3, count(result.get("a"), "u") + count(result.get("c"), "u"));
        assertTrue(Math.abs(count(result.get("a"), "u") - count(result.get("c"), "u")) <= 1);
    }

    @Test
    void reassignsPartitionsWhoseOwnerIsNoLongerAMember() {
        SortedMap<String, Set<String>> subscriptions = subscribe(Set.of("t"), "a", "b");
        Map<TopicPartition, String> current = Map.of(tp("t", 0), "gone", tp("t", 1), "gone", tp("t", 2), "a");
        Map<TopicPartition, String> after = owners(assignor.assign(subscriptions, Map.of("t", 3), current));
        assertEquals("a", after.get(tp("t", 2)));
        assertEquals(3, after.size());
        assertEquals(Set.of("a", "b"), Set.copyOf(after.values()));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 17, 99, 2024, 777_777})
    void randomMembershipChangesStayBalancedStickyMinimalAndDeterministic(long seed) {
        Random random = new Random(seed);
        Map<String, Integer> partitionCounts = Map.of("t", 1 + random.nextInt(12), "u", 1 + random.nextInt(5));
        List<String> members = new ArrayList<>(List.of("m0"));
        Map<TopicPartition, String> current = Map.of();
        int nextId = 1;
        for (int step = 0; step < 200; step++) {
            String context = "seed " + seed + " step " + step;
            if (members.size() > 1 && random.nextInt(3) == 0) {
                members.remove(random.nextInt(members.size()));
            } else if (members.size() < 9) {
                members.add("m" + nextId++);
            }
            SortedMap<String, Set<String>> subscriptions = subscribe(partitionCounts.keySet(),
                    members.toArray(String[]::new));
            Map<TopicPartition, String> live = new HashMap<>(current);
            live.values().removeIf(owner -> !subscriptions.containsKey(owner));

            Map<String, Set<TopicPartition>> result = assignor.assign(subscriptions, partitionCounts, live);
            Map<TopicPartition, String> after = owners(result);

            assertEquals(partitionCounts.values().stream().mapToInt(Integer::intValue).sum(), after.size(),
                    context + ": every partition has one owner");
            for (Map.Entry<String, Integer> topic : partitionCounts.entrySet()) {
                checkTopic(context, topic.getKey(), topic.getValue(), members, live, result, after);
            }
            assertEquals(result, assignor.assign(subscriptions, partitionCounts, shuffled(live, random)),
                    context + ": the same input gives the same assignment");
            current = after;
        }
    }

    private static void checkTopic(String context, String topic, int partitions, List<String> members,
                                   Map<TopicPartition, String> live, Map<String, Set<TopicPartition>> result,
                                   Map<TopicPartition, String> after) {
        int floor = partitions / members.size();
        int extra = partitions % members.size();
        int atCeil = 0;
        int keepable = 0;
        int kept = 0;
        for (String m : members) {
            int has = count(result.get(m), topic);
            assertTrue(has == floor || has == floor + 1, context + ": " + m + " has " + has + " of " + topic
                    + " partitions, not " + floor + " or " + (floor + 1));
            atCeil += has > floor ? 1 : 0;
            int had = (int) live.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue().equals(m)).count();
            keepable += Math.min(had, floor);
        }
        assertEquals(extra, atCeil, context + ": members at the ceiling of " + topic);
        int aboveFloor = (int) members.stream().filter(m -> live.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue().equals(m)).count() > floor).count();
        keepable += Math.min(extra, aboveFloor);
        for (Map.Entry<TopicPartition, String> e : live.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue().equals(after.get(e.getKey()))) {
                kept++;
            }
        }
        assertEquals(keepable, kept, context + ": partitions of " + topic + " that kept their owner");
    }

    private static int count(Set<TopicPartition> tps, String topic) {
        return (int) tps.stream().filter(tp -> tp.topic().equals(topic)).count();
    }

    private static Map<TopicPartition, String> shuffled(Map<TopicPartition, String> map, Random random) {
        List<Map.Entry<TopicPartition, String>> entries = new ArrayList<>(map.entrySet());
        Collections.shuffle(entries, random);
        Map<TopicPartition, String> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
