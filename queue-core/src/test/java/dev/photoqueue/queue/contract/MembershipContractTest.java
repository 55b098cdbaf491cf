package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.contract.GroupFixtures.GroupOnTopic;
import dev.photoqueue.queue.contract.TestMember.Acks;
import dev.photoqueue.queue.contract.TestMember.OnRevoke;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group membership in ORDERED mode: members join, leave and fall silent, partitions follow them,
 * the rebalance listener is told exactly what a member gained, gave up or lost, records acked
 * inside {@code onPartitionsRevoked} are finished, and an ack from a member that no longer owns
 * the partition is fenced and changes nothing.
 */
public abstract class MembershipContractTest extends ContractFixture {

    @Test
    void membersJoinAndLeaveAndThePartitionsFollowThem() {
        GroupOnTopic g = given.aTakesAllThenBJoins(4, 0, Acks.AT_ONCE, OnRevoke.GIVE_UP);
        List<TopicPartition> all = g.partitions;
        String group = g.group;
        TestMember a = g.a;
        TestMember b = g.b;
        pollUntil("describeGroup lists a and b with their partitions",
                () -> membersOf(group).equals(Map.of(a.memberId(), a.assignment(), b.memberId(), b.assignment())),
                a, b);

        a.close();
        pollUntil("b owns all 4 partitions after a left", () -> covers(all, b), b);
        pollUntil("describeGroup lists only b", () -> membersOf(group).equals(Map.of(b.memberId(), new TreeSet<>(all))),
                b);
        assertListenersConsistent(a, b);

        b.close();
        pollUntil("describeGroup lists no members after both left", () -> describe(group).members().isEmpty());
        for (PartitionLag lag : describe(group).partitions()) {
            assertNull(lag.owner(), "no owner of " + lag.topicPartition());
        }
        assertTrue(admin().listGroups().contains(group), "a group without members is still listed");
    }

    @Test
    void silentMemberIsRemovedAndItsUnackedRecordsGoToTheMembersTakingOver() {
        GroupOnTopic g = given.aReceivesAllThenFallsSilent(4, 6);
        List<TopicPartition> all = g.partitions;
        for (TopicPartition tp : all) {
            g.a.ack(tp, 0);
            g.a.ack(tp, 1);
        }
        // From here on a is silent: it neither polls nor acks.
        TestMember b = g.join("b", Acks.BY_TEST);
        TestMember c = g.join("c", Acks.BY_TEST);
        pollUntil("b and c took over a's partitions and received what a had not acked",
                () -> owns(b, 2) && owns(c, 2) && covers(all, b, c)
                        && all.stream().allMatch(tp -> (b.assignment().contains(tp) ? b : c).offsets(tp).size() == 4),
                b, c);
        for (TopicPartition tp : all) {
            TestMember owner = b.assignment().contains(tp) ? b : c;
            assertEquals(range(2, 6), owner.offsets(tp), "records of " + tp + " a had not acked, in order");
            assertDeliveryCounts(2, owner.received(tp));
        }
        assertEquals(Set.of(b.memberId(), c.memberId()), membersOf(g.group).keySet(), "a was removed from the group");
        assertListenersConsistent(b, c);
    }

    @Test
    void memberBackFromSilenceIsToldItsPartitionsWereLostAndJoinsAgain() {
        GroupOnTopic g = given.aReceivesAllThenFallsSilent(2, 2);
        List<TopicPartition> all = g.partitions;
        TestMember a = g.a;
        TestMember b = g.join("b", Acks.AT_ONCE);
        pollUntil("b took both partitions over from the silent a", () -> covers(all, b) && b.receivedCount() == 4, b);

        pollUntil("a is back and shares the partitions with b",
                () -> owns(a, 1) && owns(b, 1) && covers(all, a, b), a, b);
        assertEquals(new TreeSet<>(all), a.listener.everLost(), "a was told it had lost both partitions");
        assertEquals(Set.of(), a.listener.everRevoked(), "lost, not revoked: a could not finish anything");
        ConsumerRecord stale = a.received().stream().filter(r -> b.assignment().contains(r.topicPartition()))
                .findFirst().orElseThrow();
        assertThrows(FencedMemberException.class, () -> a.consumer.ack(stale),
                "an ack from before a was removed, for a partition b owns now");
        assertListenersConsistent(a, b);
        assertEquals(a.assignment(), a.listener.held());
    }

    @Test
    void rebalanceListenerIsToldExactlyThePartitionsGainedAndLost() {
        GroupOnTopic g = given.newGroupOn(4, 0);
        List<TopicPartition> all = g.partitions;
        // a and b join together, before either polls.
        TestMember a = g.join("a", Acks.AT_ONCE);
        TestMember b = g.join("b", Acks.AT_ONCE);
        pollUntil("a and b own 2 each", () -> owns(a, 2) && owns(b, 2) && covers(all, a, b), a, b);
        assertListenersConsistent(a, b);
        assertEquals(a.assignment(), a.listener.held());
        assertEquals(b.assignment(), b.listener.held());

        TestMember c = g.join("c", Acks.AT_ONCE);
        pollUntil("a, b and c share the 4", () -> covers(all, a, b, c) && !c.assignment().isEmpty()
                && !a.assignment().isEmpty() && !b.assignment().isEmpty(), a, b, c);
        assertListenersConsistent(a, b, c);
        for (TestMember m : List.of(a, b, c)) {
            assertEquals(m.assignment(), m.listener.held(), "what " + m.memberId() + "'s listener was told");
        }

        Set<TopicPartition> bHad = b.assignment();
        b.close();
        assertEquals(Set.of(), b.listener.held(), "closing b revoked everything it held");
        assertTrue(b.listener.everRevoked().containsAll(bHad));
        pollUntil("a and c own all 4", () -> covers(all, a, c), a, c);
        assertListenersConsistent(a, b, c);
        assertEquals(a.assignment(), a.listener.held());
        assertEquals(c.assignment(), c.listener.held());
    }

    @Test
    void closingAMemberRevokesEveryPartitionItHoldsEvenWhileARebalanceIsPending() {
        GroupOnTopic g = given.aTakesAll(4, 0, Acks.AT_ONCE, OnRevoke.GIVE_UP);
        List<TopicPartition> all = g.partitions;
        TestMember a = g.a;
        TestMember b = g.join("b", Acks.AT_ONCE);
        a.close();
        assertEquals(Set.of(), a.listener.held(), "a's listener was told it gave up everything");
        assertEquals(new TreeSet<>(all), a.listener.everRevoked());
        pollUntil("b owns all 4", () -> covers(all, b), b);
        assertListenersConsistent(a, b);
    }

    @Test
    void ackingInsideOnPartitionsRevokedFinishesTheRecords() {
        GroupOnTopic g = given.aTakesAllThenBJoins(2, 5, Acks.BY_TEST, OnRevoke.FINISH);
        TestMember a = g.a;
        TestMember b = g.b;
        TopicPartition moved = g.movedToB();
        TopicPartition kept = g.keptByA();
        assertEquals(Set.of(moved), a.listener.everRevoked());

        produce(g.partitions, 1);
        pollUntil("the record after the rebalance arrived on both partitions",
                () -> b.offsets(moved).contains(5L) && a.offsets(kept).contains(5L), a, b);
        assertEquals(List.of(5L), b.offsets(moved), "b got nothing a had finished in onPartitionsRevoked");
        assertEquals(range(0, 6), a.offsets(kept), "a's kept partition went on where it was");
        b.consumer.commitSync();
        assertEquals(5, firstNotDone(g.group, moved), "a's acks inside the callback counted");
        assertListenersConsistent(a, b);
    }

    @Test
    void ackingInsideOnPartitionsRevokedWhileClosingFinishesTheRecords() {
        GroupOnTopic g = given.aTakesAll(1, 3, Acks.BY_TEST, OnRevoke.FINISH);
        TopicPartition tp = g.partition();
        g.a.close();
        assertEquals(Set.of(tp), g.a.listener.everRevoked(), "closing revoked the partition");

        TestMember b = g.join("b", Acks.BY_TEST);
        produce(tp, 1);
        pollUntilReceived(tp, 3, b);
        assertEquals(List.of(3L), b.offsets(tp), "b got nothing a had finished while closing");
    }

    @Test
    void notAckingInsideOnPartitionsRevokedGivesTheRecordsUpToTheNextOwner() {
        GroupOnTopic g = given.aTakesAllThenBJoins(2, 5, Acks.BY_TEST, OnRevoke.GIVE_UP);
        TestMember a = g.a;
        TestMember b = g.b;
        TopicPartition moved = g.movedToB();
        pollUntil("b received the 5 records a gave up", () -> b.offsets(moved).size() == 5, a, b);
        assertEquals(range(0, 5), b.offsets(moved));
        assertDeliveryCounts(2, b.received(moved));
        assertListenersConsistent(a, b);
    }

    @Test
    void ackForAPartitionThatMovedIsFencedAndChangesNothing() {
        GroupOnTopic g = given.aTakesAllThenBJoins(2, 3, Acks.BY_TEST, OnRevoke.GIVE_UP);
        String group = g.group;
        TestMember a = g.a;
        TestMember b = g.b;
        TopicPartition moved = g.movedToB();
        ConsumerRecord stale = a.received(moved, 0);

        FencedMemberException fenced = assertThrows(FencedMemberException.class, () -> a.consumer.ack(stale));
        assertEquals(group, fenced.groupId());
        assertEquals(moved, fenced.topicPartition());

        pollUntil("b received the record a tried to ack", () -> b.offsets(moved).contains(0L), a, b);
        b.consumer.commitSync();
        assertEquals(0, firstNotDone(group, moved), "the fenced ack did not move the committed position");
        assertEquals(2, b.received(moved, 0).deliveryCount());
    }

    @Test
    void ackFromAMemberRemovedForSilenceIsFencedAndChangesNothing() {
        GroupOnTopic g = given.aReceivesAllThenFallsSilent(1, 3);
        TopicPartition tp = g.partition();
        TestMember b = g.join("b", Acks.BY_TEST);
        pollUntil("b took the partition over from the silent a", () -> b.assignment().contains(tp), b);
        assertThrows(FencedMemberException.class, () -> g.a.consumer.ack(g.a.received(tp, 0)));

        pollUntil("b received the 3 records again", () -> b.offsets(tp).size() == 3, b);
        b.consumer.commitSync();
        assertEquals(0, firstNotDone(g.group, tp), "the fenced ack did not move the committed position");
        assertEquals(range(0, 3), b.offsets(tp));
    }
}
