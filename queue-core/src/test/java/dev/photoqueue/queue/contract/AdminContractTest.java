package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.contract.TestMember.Acks;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the admin reports about groups: members, assignments and lag per partition; active and
 * finished groups in the list; a clear error for a group that does not exist.
 */
public abstract class AdminContractTest extends ContractFixture {

    @Test
    void describeGroupReportsMembersAssignmentsAndLagPerPartition() {
        String topic = createTopic(3);
        List<TopicPartition> all = partitions(topic, 3);
        produce(all, 4);
        String group = name("g");
        TestMember a = member(config(group).clientId("describe-a"), Acks.BY_TEST);
        TestMember b = member(config(group).clientId("describe-b"), Acks.BY_TEST);
        a.subscribe(topic);
        b.subscribe(topic);
        pollUntil("a and b share the partitions and each owner has the 4 records of its own",
                () -> covers(all, a, b) && !a.assignment().isEmpty() && !b.assignment().isEmpty()
                        && all.stream().allMatch(tp -> (a.assignment().contains(tp) ? a : b).offsets(tp).contains(3L)),
                a, b);
        // ack the first p records of partition p: committed 0, 1, 2
        for (TestMember m : List.of(a, b)) {
            for (TopicPartition tp : m.assignment()) {
                for (long offset = 0; offset < tp.partition(); offset++) {
                    m.ack(tp, offset);
                }
            }
            m.consumer.commitSync();
        }

        GroupDescription d = describe(group);
        assertEquals(group, d.groupId());
        Map<String, String> clientIds = d.members().stream()
                .collect(Collectors.toMap(MemberDescription::memberId, MemberDescription::clientId));
        assertEquals(Map.of(a.memberId(), "describe-a", b.memberId(), "describe-b"), clientIds);
        assertEquals(Map.of(a.memberId(), a.assignment(), b.memberId(), b.assignment()), membersOf(group));
        Map<TopicPartition, PartitionLag> byPartition = new TreeMap<>();
        d.partitions().forEach(l -> byPartition.put(l.topicPartition(), l));
        assertEquals(new TreeSet<>(all), byPartition.keySet());
        for (TopicPartition tp : all) {
            PartitionLag lag = byPartition.get(tp);
            long committed = tp.partition();
            assertEquals(4, lag.endOffset(), "end offset of " + tp);
            assertEquals(4 - committed, lag.lag(), "lag of " + tp);
            String owner = a.assignment().contains(tp) ? a.memberId() : b.memberId();
            assertEquals(owner, lag.owner(), "owner of " + tp);
            if (committed > 0) {
                assertEquals(committed, lag.committed(), "committed position of " + tp);
            } else {
                assertTrue(lag.committed() <= 0, "nothing of " + tp + " is done: " + lag);
            }
        }
        assertEquals(4 + 3 + 2, d.totalLag());
    }

    @Test
    void listGroupsListsActiveAndFinishedGroups() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 2);
        List<String> finished = given.twoGroupsDoneWith(topic, 2);
        String active = name("g");
        TestMember m = member(config(active), Acks.AT_ONCE);
        m.subscribe(topic);
        pollUntil("the active group's member owns the partition", () -> !m.assignment().isEmpty(), m);

        Set<String> listed = admin().listGroups();
        assertTrue(listed.containsAll(finished), "groups without members but with positions: " + listed);
        assertTrue(listed.contains(active), "a group with a member: " + listed);
        String unknown = name("never");
        assertFalse(listed.contains(unknown));
    }

    @Test
    void describeGroupOfAnUnknownGroupThrowsUnknownGroupException() {
        String unknown = name("never");
        UnknownGroupException e = assertThrows(UnknownGroupException.class, () -> admin().describeGroup(unknown));
        assertEquals(unknown, e.groupId());
        assertFalse(admin().listGroups().contains(unknown), "describing an unknown group does not create it");
    }
}
