package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.AutoOffsetReset;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.contract.GroupFixtures.GroupOnTopic;
import dev.photoqueue.queue.contract.TestMember.Acks;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where a group reads from: its committed positions survive a restart, a new group starts at the
 * beginning or the end as configured, and resetting one group's offsets (to the earliest, the
 * latest, an offset or a time) replays or skips for that group alone.
 */
public abstract class ReplayAndOffsetsContractTest extends ContractFixture {

    @Test
    void restartedGroupResumesAtItsCommittedPositions() {
        GroupOnTopic g = given.aAcksThenTheBackendRestarts(2, 5, 0, 1, 2);
        List<TopicPartition> all = g.partitions;
        String group = g.group;
        assertTrue(admin().listGroups().contains(group), "the group is known after the restart");
        for (TopicPartition tp : all) {
            assertEquals(3, firstNotDone(group, tp), "committed position of " + tp + " after the restart");
        }
        TestMember b = g.join(Acks.BY_TEST);
        pollUntil("b received the 4 unacked records", () -> b.receivedCount() == 4, b);
        for (TopicPartition tp : all) {
            assertEquals(List.of(3L, 4L), b.offsets(tp));
        }
    }

    @Test
    void restartedLatestGroupDoesNotSkipRecordsProducedBeforeTheRestart() {
        GroupOnTopic g = given.newGroupOn(1, 3);
        TopicPartition tp = g.partition();
        GroupConsumerConfig.Builder latest = g.config().autoOffsetReset(AutoOffsetReset.LATEST);
        TestMember a = g.join(latest, Acks.AT_ONCE);
        pollUntil("a owns the partition", () -> a.assignment().contains(tp), a);
        a.consumer.commitSync();
        produce(tp, 2);

        restart();
        TestMember b = g.join(latest, Acks.AT_ONCE);
        pollUntil("b received the 2 records produced after the group started", () -> b.receivedCount() == 2, b);
        assertEquals(List.of(3L, 4L), b.offsets(tp), "the group's position, not the new end");
    }

    @Test
    void restartedGroupSkipsRecordsAckedOutOfOrder() {
        GroupOnTopic g = given.aAcksThenTheBackendRestarts(1, 8, 0, 1, 3, 5);
        TopicPartition tp = g.partition();
        assertEquals(2, firstNotDone(g.group, tp));
        TestMember b = g.join(Acks.BY_TEST);
        pollUntil("b received the 4 unacked records", () -> b.receivedCount() == 4, b);
        assertEquals(List.of(2L, 4L, 6L, 7L), b.offsets(tp));
    }

    @Test
    void newGroupWithEarliestStartsAtTheBeginning() {
        GroupOnTopic g = given.newGroupOn(2, 3);
        TestMember m = g.join(g.config().autoOffsetReset(AutoOffsetReset.EARLIEST), Acks.AT_ONCE);
        pollUntil("all 6 records", () -> m.receivedCount() == 6, m);
        for (TopicPartition tp : g.partitions) {
            assertEquals(range(0, 3), m.offsets(tp));
        }
    }

    @Test
    void newGroupWithLatestStartsAtTheEnd() {
        GroupOnTopic g = given.newGroupOn(2, 3);
        List<TopicPartition> all = g.partitions;
        TestMember m = g.join(g.config().autoOffsetReset(AutoOffsetReset.LATEST), Acks.AT_ONCE);
        pollUntil("the member owns both partitions", () -> covers(all, m), m);
        m.consumer.commitSync();
        produce(all, 1);
        pollUntil("the 2 records produced after joining", () -> m.receivedCount() == 2, m);
        for (TopicPartition tp : all) {
            assertEquals(List.of(3L), m.offsets(tp));
        }
        m.consumer.commitSync();
        assertEquals(0, describe(g.group).totalLag());
    }

    @Test
    void resetToEarliestReplaysOneGroupAndLeavesTheOtherAlone() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 3);
        List<String> groups = given.twoGroupsDoneWith(topic, 6);
        String replaying = groups.get(0);
        String other = groups.get(1);

        Map<TopicPartition, Long> moved = admin().resetOffsets(replaying, topic, OffsetSpec.earliest());
        assertEquals(Map.of(all.get(0), 0L, all.get(1), 0L), moved);
        assertEquals(6, describe(replaying).totalLag());
        assertEquals(0, describe(other).totalLag(), "the other group is untouched");

        produce(all, 1);
        TestMember again = given.memberThatReceived(replaying, topic, 8, "the replaying group got everything again");
        for (TopicPartition tp : all) {
            assertEquals(range(0, 4), again.offsets(tp));
        }
        TestMember untouched = given.memberThatReceived(other, topic, 2, "the other group got only the new records");
        for (TopicPartition tp : all) {
            assertEquals(List.of(3L), untouched.offsets(tp));
        }
    }

    @Test
    void resetToLatestSkipsTheBacklog() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 3);
        List<String> groups = given.twoGroupsDoneWith(topic, 6);
        produce(all, 4);
        String skipping = groups.get(0);

        Map<TopicPartition, Long> moved = admin().resetOffsets(skipping, topic, OffsetSpec.latest());
        assertEquals(Map.of(all.get(0), 7L, all.get(1), 7L), moved);
        assertEquals(0, describe(skipping).totalLag());
        assertEquals(8, describe(groups.get(1)).totalLag(), "the other group still has its backlog");

        produce(all, 1);
        TestMember m = given.memberThatReceived(skipping, topic, 2, "the records after the reset");
        for (TopicPartition tp : all) {
            assertEquals(List.of(7L), m.offsets(tp));
        }
    }

    @Test
    void resetToAnOffsetReplaysFromThatOffset() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 5);
        List<String> groups = given.twoGroupsDoneWith(topic, 10);

        Map<TopicPartition, Long> moved = admin().resetOffsets(groups.get(0), topic, OffsetSpec.offset(2));
        assertEquals(Map.of(all.get(0), 2L, all.get(1), 2L), moved);
        for (TopicPartition tp : all) {
            assertEquals(2, firstNotDone(groups.get(0), tp));
            assertEquals(5, firstNotDone(groups.get(1), tp), "the other group is untouched");
        }
        TestMember m = given.memberThatReceived(groups.get(0), topic, 6, "the records from offset 2 on");
        for (TopicPartition tp : all) {
            assertEquals(range(2, 5), m.offsets(tp));
        }
    }

    @Test
    void resetToATimestampReplaysFromTheFirstRecordAtOrAfterIt() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        long base = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 4; i++) {
            send(new ProducerRecord(topic, 0, null, bytes("at +" + i + "s"), base + i * 1_000L, List.of()));
        }
        List<String> groups = given.twoGroupsDoneWith(topic, 4);
        String group = groups.get(0);

        assertEquals(Map.of(tp, 4L), admin().resetOffsets(group, topic, OffsetSpec.timestamp(base + 10_000)),
                "every record is older: the end");
        assertEquals(Map.of(tp, 2L), admin().resetOffsets(group, topic, OffsetSpec.timestamp(base + 1_500)));
        assertEquals(4, firstNotDone(groups.get(1), tp), "the other group is untouched");
        TestMember m = given.memberThatReceived(group, topic, 2, "the records from the time on");
        assertEquals(List.of(2L, 3L), m.offsets(tp));
    }
}
