package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.contract.TestMember.Acks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How ORDERED mode hands out partitions: the range and sticky assignors give what they promise
 * after every membership change, and through any churn each partition has one owner at a time
 * and its records arrive in offset order, each once.
 */
public abstract class AssignmentContractTest extends ContractFixture {

    @Test
    void rangeGivesContiguousRangesInMemberIdOrderAfterEveryMembershipChange() {
        String topic = createTopic(5);
        String group = name("g");
        List<TestMember> live = new ArrayList<>();
        for (String client : List.of("a", "b", "c")) {
            TestMember m = member(config(group).clientId(client).assignor(Assignor.RANGE), Acks.AT_ONCE);
            m.subscribe(topic);
            live.add(m);
            awaitRangeAssignment(topic, 5, live);
        }
        TestMember first = live.remove(0);
        first.close();
        awaitRangeAssignment(topic, 5, live);
        TestMember second = live.remove(0);
        second.close();
        awaitRangeAssignment(topic, 5, live);
    }

    private static void awaitRangeAssignment(String topic, int partitions, List<TestMember> live) {
        TestMember[] polled = live.toArray(new TestMember[0]);
        pollUntil("range assignment over " + live.size() + " members", () -> {
            Map<String, Set<TopicPartition>> expected = rangeAssignment(topic, partitions,
                    live.stream().map(TestMember::memberId).toList());
            return live.stream().allMatch(m -> m.assignment().equals(expected.get(m.memberId())));
        }, polled);
    }

    /** Kafka's range assignment of one topic: members in id order, the first {@code partitions % n} take one more. */
    private static Map<String, Set<TopicPartition>> rangeAssignment(String topic, int partitions, List<String> memberIds) {
        List<String> sorted = memberIds.stream().sorted().toList();
        Map<String, Set<TopicPartition>> out = new HashMap<>();
        int next = 0;
        for (int i = 0; i < sorted.size(); i++) {
            int count = partitions / sorted.size() + (i < partitions % sorted.size() ? 1 : 0);
            Set<TopicPartition> mine = new TreeSet<>();
            for (int p = next; p < next + count; p++) {
                mine.add(new TopicPartition(topic, p));
            }
            out.put(sorted.get(i), mine);
            next += count;
        }
        return out;
    }

    @Test
    void stickyMovesOnlyWhatBalanceNeedsAndKeptPartitionsKeepFlowing() {
        String topic = createTopic(6);
        List<TopicPartition> all = partitions(topic, 6);
        String group = name("g");
        Map<TopicPartition, Integer> produced = new HashMap<>();
        TestMember a = member(config(group).clientId("a").assignor(Assignor.STICKY), Acks.AT_ONCE);
        a.subscribe(topic);
        pollUntil("a owns all 6", () -> covers(all, a), a);

        // b joins: a gives up exactly 3; the 3 it keeps are never revoked and their records keep coming to a.
        TestMember b = member(config(group).clientId("b").assignor(Assignor.STICKY), Acks.AT_ONCE);
        b.subscribe(topic);
        produceRoundsUntil(produced, all, () -> owns(a, 3) && owns(b, 3) && covers(all, a, b), a, b);
        Set<TopicPartition> aKept = a.assignment();
        Set<TopicPartition> bGot = b.assignment();
        assertEquals(complement(all, aKept), a.listener.everRevoked(), "a gave up only what b needed");
        for (TopicPartition tp : all) {
            produce(tp, 1);
            produced.merge(tp, 1, Integer::sum);
        }
        pollUntil("the latest records reached their owners", () -> all.stream().allMatch(tp -> {
            TestMember owner = aKept.contains(tp) ? a : b;
            return owner.offsets(tp).contains(produced.get(tp) - 1L);
        }), a, b);
        for (TopicPartition tp : aKept) {
            assertEquals(range(0, produced.get(tp)), a.offsets(tp), "records of kept " + tp + " all went to a");
            assertEquals(List.of(), b.offsets(tp), "b got nothing of a's kept " + tp);
        }

        // c joins: a and b each give up one; nothing moves between a and b.
        TestMember c = member(config(group).clientId("c").assignor(Assignor.STICKY), Acks.AT_ONCE);
        c.subscribe(topic);
        produceRoundsUntil(produced, all, () -> owns(a, 2) && owns(b, 2) && owns(c, 2) && covers(all, a, b, c),
                a, b, c);
        assertTrue(aKept.containsAll(a.assignment()), "a kept a subset of its partitions: " + a.assignment());
        assertTrue(bGot.containsAll(b.assignment()), "b kept a subset of its partitions: " + b.assignment());
        Set<TopicPartition> aBefore = a.assignment();
        Set<TopicPartition> bBefore = b.assignment();

        // c leaves: only c's partitions move.
        c.close();
        produceRoundsUntil(produced, all, () -> owns(a, 3) && owns(b, 3) && covers(all, a, b), a, b);
        assertTrue(a.assignment().containsAll(aBefore), "a kept its partitions when c left: " + a.assignment());
        assertTrue(b.assignment().containsAll(bBefore), "b kept its partitions when c left: " + b.assignment());
        assertListenersConsistent(a, b, c);
    }

    /** Each round sends one record to every partition and polls every member once, until {@code done}. */
    private void produceRoundsUntil(Map<TopicPartition, Integer> produced, List<TopicPartition> all,
                                    BooleanSupplier done, TestMember... polled) {
        pollUntil("rounds of records until the assignment settles", () -> {
            for (TopicPartition tp : all) {
                produce(tp, 1);
                produced.merge(tp, 1, Integer::sum);
            }
            return done.getAsBoolean();
        }, polled);
    }

    private static Set<TopicPartition> complement(List<TopicPartition> all, Set<TopicPartition> part) {
        Set<TopicPartition> rest = new TreeSet<>(all);
        rest.removeAll(part);
        return rest;
    }

    @Test
    void eachPartitionHasOneOwnerAtATimeAndKeepsItsOrderThroughChurn() {
        String topic = createTopic(6);
        List<TopicPartition> all = partitions(topic, 6);
        String group = name("g");
        Map<TopicPartition, Integer> produced = new HashMap<>();
        Map<String, TestMember> byName = new HashMap<>();
        List<TestMember> live = new ArrayList<>();
        List<TestMember> everyone = new ArrayList<>();
        for (String step : List.of("+a", "+b", "+c", "-a", "+d", "-b", "-c")) {
            String who = step.substring(1);
            if (step.startsWith("+")) {
                TestMember m = member(config(group).clientId(who), Acks.AT_ONCE);
                m.subscribe(topic);
                byName.put(who, m);
                live.add(m);
                everyone.add(m);
            } else {
                TestMember leaving = byName.get(who);
                leaving.close();
                live.remove(leaving);
            }
            TestMember[] polled = live.toArray(new TestMember[0]);
            for (int round = 0; round < 5; round++) {
                for (TopicPartition tp : all) {
                    produce(tp, 1);
                    produced.merge(tp, 1, Integer::sum);
                }
                for (TestMember m : polled) {
                    m.poll(POLL);
                    assertTrue(TestMember.disjoint(live), "two members own one partition: " + live);
                }
            }
        }
        TestMember last = live.get(0);
        pollUntil("every record was received", () -> all.stream().allMatch(tp -> received(everyone, tp).size()
                == produced.get(tp)), last);
        for (TopicPartition tp : all) {
            List<Long> inArrivalOrder = received(everyone, tp);
            assertEquals(range(0, produced.get(tp)), inArrivalOrder.stream().sorted().toList(),
                    "each record of " + tp + " exactly once");
        }
        for (TestMember m : everyone) {
            for (TopicPartition tp : all) {
                List<Long> offsets = m.offsets(tp);
                assertEquals(offsets.stream().sorted().toList(), offsets, m.memberId() + " got " + tp + " in order");
            }
        }
    }

    /** Offsets of {@code tp} received by any of the members, member by member. */
    private static List<Long> received(List<TestMember> members, TopicPartition tp) {
        List<Long> out = new ArrayList<>();
        members.forEach(m -> out.addAll(m.offsets(tp)));
        return out;
    }
}
