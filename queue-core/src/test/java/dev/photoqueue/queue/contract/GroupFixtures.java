package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.contract.TestMember.Acks;
import dev.photoqueue.queue.contract.TestMember.OnRevoke;

import java.util.List;

import static dev.photoqueue.queue.contract.ContractFixture.config;
import static dev.photoqueue.queue.contract.ContractFixture.covers;
import static dev.photoqueue.queue.contract.ContractFixture.owns;
import static dev.photoqueue.queue.contract.ContractFixture.pollUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The states of a group that many contract tests start from, each set up the same way every time
 * and named for what it leaves behind: "a takes all, then b joins" is a new topic with records,
 * member a owning every partition and holding every record, then member b joined and the
 * partitions split between them. Each returns a {@link GroupOnTopic} handle; every wait is a poll
 * loop with the fixture's deadline, and the fixture closes every member. Single-threaded.
 */
final class GroupFixtures {

    private final ContractFixture fixture;

    GroupFixtures(ContractFixture fixture) {
        this.fixture = fixture;
    }

    /**
     * A new group on a new topic, and its first two members once a fixture made them ({@code a},
     * {@code b}; null before). Members added by the test through {@link #join} are the group's too.
     */
    final class GroupOnTopic {

        final String topic;
        final String group;
        final List<TopicPartition> partitions;
        private final int recordsEach;
        TestMember a;
        TestMember b;

        private GroupOnTopic(String topic, String group, List<TopicPartition> partitions, int recordsEach) {
            this.topic = topic;
            this.group = group;
            this.partitions = partitions;
            this.recordsEach = recordsEach;
        }

        /** The topic's only partition; fails on a topic with more. */
        TopicPartition partition() {
            assertEquals(1, partitions.size(), "partitions of " + topic);
            return partitions.get(0);
        }

        /** Every record produced to the topic by the fixture. */
        int records() {
            return recordsEach * partitions.size();
        }

        /** The partition b owns after taking one over from a; fails unless b owns exactly one. */
        TopicPartition movedToB() {
            assertEquals(1, b.assignment().size(), "b's partitions: " + b);
            return b.assignment().iterator().next();
        }

        /** The partition a kept when b took the other; fails unless a owns exactly one. */
        TopicPartition keptByA() {
            assertEquals(1, a.assignment().size(), "a's partitions: " + a);
            return a.assignment().iterator().next();
        }

        /** A member configuration of this group, to adjust and {@link #join(GroupConsumerConfig.Builder, Acks)}. */
        GroupConsumerConfig.Builder config() {
            return ContractFixture.config(group);
        }

        /** A new member with no client id of its own, subscribed to the topic. */
        TestMember join(Acks acks) {
            return join(config(), acks);
        }

        /** A new member named {@code clientId}, subscribed to the topic, giving up in-flight records on a revoke. */
        TestMember join(String clientId, Acks acks) {
            return join(config().clientId(clientId), acks);
        }

        TestMember join(String clientId, Acks acks, OnRevoke onRevoke) {
            return join(config().clientId(clientId), acks, onRevoke);
        }

        TestMember join(GroupConsumerConfig.Builder config, Acks acks) {
            return join(config, acks, OnRevoke.GIVE_UP);
        }

        TestMember join(GroupConsumerConfig.Builder config, Acks acks, OnRevoke onRevoke) {
            TestMember m = fixture.member(config, acks, onRevoke);
            m.subscribe(topic);
            return m;
        }
    }

    /** A new topic of {@code partitions} partitions, {@code recordsEach} records in each, and a new group's name. */
    GroupOnTopic newGroupOn(int partitions, int recordsEach) {
        String topic = fixture.createTopic(partitions);
        List<TopicPartition> all = ContractFixture.partitions(topic, partitions);
        if (recordsEach > 0) {
            fixture.produce(all, recordsEach);
        }
        return new GroupOnTopic(topic, fixture.name("g"), all, recordsEach);
    }

    /**
     * Member a (client id "a") is the group's only member: it owns every partition and has
     * received every record (acking each at once with {@link Acks#AT_ONCE}, else holding them).
     */
    GroupOnTopic aTakesAll(int partitions, int recordsEach, Acks acks, OnRevoke aOnRevoke) {
        GroupOnTopic g = newGroupOn(partitions, recordsEach);
        TestMember a = g.join("a", acks, aOnRevoke);
        g.a = a;
        pollUntil("a owns all " + partitions + " partitions and received all " + g.records() + " records",
                () -> covers(g.partitions, a) && a.receivedCount() == g.records(), a);
        return g;
    }

    /**
     * {@link #aTakesAll}, then member b (client id "b", same acks, giving up in-flight records on a
     * revoke) joins, and both are polled until each owns half the partitions: the hand-off is done.
     * For an even number of partitions.
     */
    GroupOnTopic aTakesAllThenBJoins(int partitions, int recordsEach, Acks acks, OnRevoke aOnRevoke) {
        if (partitions % 2 != 0) {
            throw new IllegalArgumentException("a and b cannot own half of " + partitions + " partitions each");
        }
        GroupOnTopic g = aTakesAll(partitions, recordsEach, acks, aOnRevoke);
        TestMember a = g.a;
        TestMember b = g.join("b", acks);
        g.b = b;
        int half = partitions / 2;
        pollUntil("a handed " + half + " of its " + partitions + " partitions to b",
                () -> owns(a, half) && owns(b, half) && covers(g.partitions, a, b), a, b);
        return g;
    }

    /**
     * Member a (client id "a", acks by the test) has received every record with a session of
     * {@link ContractFixture#SHORT_SESSION_MS}; from here on the test does not poll it, so the group
     * removes it once that session runs out and gives its partitions to whoever joins.
     */
    GroupOnTopic aReceivesAllThenFallsSilent(int partitions, int recordsEach) {
        GroupOnTopic g = newGroupOn(partitions, recordsEach);
        TestMember a = g.join(g.config().clientId("a").sessionTimeoutMs(ContractFixture.SHORT_SESSION_MS),
                Acks.BY_TEST);
        g.a = a;
        pollUntil("a received all " + g.records(), () -> a.receivedCount() == g.records(), a);
        return g;
    }

    /**
     * A member (no client id of its own) received every record, acked {@code ackedOffsets} of
     * every partition and committed; then the backend restarted, so the group has no members,
     * only its committed positions. {@code a} is the member from before the restart, closed.
     */
    GroupOnTopic aAcksThenTheBackendRestarts(int partitions, int recordsEach, long... ackedOffsets) {
        GroupOnTopic g = newGroupOn(partitions, recordsEach);
        TestMember a = g.join(Acks.BY_TEST);
        g.a = a;
        pollUntil("a received all " + g.records(), () -> a.receivedCount() == g.records(), a);
        for (TopicPartition tp : g.partitions) {
            for (long offset : ackedOffsets) {
                a.ack(tp, offset);
            }
        }
        a.consumer.commitSync();
        fixture.restart();
        return g;
    }

    /**
     * A new member of {@code group} on {@code topic}, acking every record at once, polled until it
     * received {@code records} records ({@code what}: those records, for the failure message).
     */
    TestMember memberThatReceived(String group, String topic, int records, String what) {
        TestMember m = fixture.member(config(group), Acks.AT_ONCE);
        m.subscribe(topic);
        pollUntil(what, () -> m.receivedCount() == records, m);
        return m;
    }

    /** Two groups that consumed and acked everything on the topic, then closed their members. */
    List<String> twoGroupsDoneWith(String topic, int records) {
        List<String> groups = List.of(fixture.name("g"), fixture.name("g"));
        for (String group : groups) {
            TestMember m = memberThatReceived(group, topic, records, group + " consumed everything");
            m.consumer.commitSync();
            m.close();
            assertEquals(0, fixture.describe(group).totalLag(), group + " is done with " + topic);
        }
        return groups;
    }
}
