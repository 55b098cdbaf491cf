package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.AutoOffsetReset;
import dev.photoqueue.queue.api.BacklogFullException;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.contract.TestMember.Acks;
import dev.photoqueue.queue.contract.TestMember.OnRevoke;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The promises of the queue API, checked through the API alone, so every backend runs the same
 * suite: a subclass says how to open its backend on a storage directory, and how to open it again
 * on the same storage after a restart.
 *
 * <p>Rules that keep the suite portable (the Kafka adapter runs it against a real broker): every
 * test uses its own topics and groups; nothing waits by sleeping, waits are poll loops with a
 * deadline of {@link #WAIT}; the only short timeout is the session timeout of a member a test lets
 * go silent ({@link #SHORT_SESSION_MS}); every other member keeps the default session, so a slow
 * machine does not expire it by accident. Positions are read through
 * {@link Admin#describeGroup} after a {@code commitSync}, since a backend may persist them lazily.
 */
public abstract class QueueContractTest extends ContractFixture {

    /** How long a test waits for something that should happen. */

    private static void assertListenersConsistent(TestMember... checked) {
        for (TestMember m : checked) {
            assertEquals(List.of(), m.listenerErrors(), "rebalance callbacks of " + m.memberId());
        }
    }

    private static void assertDeliveryCounts(int expected, List<ConsumerRecord> records) {
        for (ConsumerRecord r : records) {
            assertEquals(expected, r.deliveryCount(), "delivery count of " + r);
        }
    }

    private static Set<TopicPartition> union(TestMember... of) {
        Set<TopicPartition> all = new TreeSet<>();
        for (TestMember m : of) {
            all.addAll(m.assignment());
        }
        return all;
    }

    private static boolean owns(TestMember m, int count) {
        return m.assignment().size() == count;
    }

    private static boolean covers(List<TopicPartition> all, TestMember... of) {
        return union(of).equals(new TreeSet<>(all)) && TestMember.disjoint(List.of(of));
    }

    // ---------------------------------------------------------------- producer and plain consumer

    @Test
    void sendReportsTopicPartitionConsecutiveOffsetsAndTimestamp() {
        String topic = createTopic(3);
        long base = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 3; i++) {
            RecordMetadata md = send(new ProducerRecord(topic, 1, null, bytes("v" + i), base + i, List.of()));
            assertEquals(topic, md.topic());
            assertEquals(1, md.partition());
            assertEquals(i, md.offset());
            assertEquals(base + i, md.timestamp());
        }
        RecordMetadata other = send(ProducerRecord.of(topic, null, "x").withPartition(2));
        assertEquals(new TopicPartition(topic, 2), other.topicPartition());
        assertEquals(0, other.offset());
    }

    @Test
    void keyedRecordsLandOnThePartitionOfTheirKeyInSendOrder() {
        String topic = createTopic(6);
        Map<Integer, List<String>> sentByPartition = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "photo-" + (i % 20);
            RecordMetadata md = send(ProducerRecord.of(topic, key, key + "#" + i));
            assertEquals(Partitioners.forKey(bytes(key), 6), md.partition(), "partition of key " + key);
            sentByPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add(key + "#" + i);
        }
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            for (Map.Entry<Integer, List<String>> e : sentByPartition.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, e.getKey());
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<String> read = readValues(consumer, e.getValue().size());
                assertEquals(e.getValue(), read, "records of " + tp + " in send order");
            }
        }
    }

    @Test
    void assignedConsumerReadsFromItsPositionAndSeeks() {
        String topic = createTopic(2);
        TopicPartition tp = new TopicPartition(topic, 1);
        long ts = System.currentTimeMillis() - 1_000;
        for (int i = 0; i < 10; i++) {
            send(new ProducerRecord(topic, 1, bytes("k" + i), bytes("v" + i), ts + i,
                    List.of(Header.of("n", String.valueOf(i)))));
        }
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            consumer.assign(List.of(tp));
            assertEquals(Set.of(tp), consumer.assignment());
            consumer.seekToBeginning(List.of(tp));
            assertEquals(0, consumer.position(tp));
            List<ConsumerRecord> all = read(consumer, 10);
            for (int i = 0; i < 10; i++) {
                ConsumerRecord r = all.get(i);
                assertEquals(tp, r.topicPartition());
                assertEquals(i, r.offset());
                assertEquals("k" + i, r.keyAsString());
                assertEquals("v" + i, r.valueAsString());
                assertEquals(ts + i, r.timestamp());
                assertEquals(String.valueOf(i), r.header("n").valueAsString());
            }
            assertEquals(10, consumer.position(tp));

            assertThrows(OffsetOutOfRangeException.class, () -> consumer.seek(tp, 11));
            consumer.seek(tp, 6);
            assertEquals(range(6, 10), read(consumer, 4).stream().map(ConsumerRecord::offset).toList());

            consumer.seekToEnd(List.of(tp));
            assertEquals(10, consumer.position(tp));
            send(new ProducerRecord(topic, 1, null, bytes("after-end"), null, List.of()));
            assertEquals("after-end", read(consumer, 1).get(0).valueAsString());
            assertEquals(Map.of(tp, 0L), consumer.beginningOffsets(List.of(tp)));
        }
    }

    @Test
    void endOffsetsAreTheOffsetTheNextRecordGets() {
        String topic = createTopic(2);
        List<TopicPartition> tps = partitions(topic, 2);
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            assertEquals(Map.of(tps.get(0), 0L, tps.get(1), 0L), consumer.endOffsets(tps));
            produce(tps.get(0), 3);
            produce(tps.get(1), 1);
            assertEquals(Map.of(tps.get(0), 3L, tps.get(1), 1L), consumer.endOffsets(tps));
            assertEquals(3, produce(tps.get(0), 1).get(0).offset());
        }
    }

    @Test
    void offsetsForTimesFindsTheFirstOffsetAtOrAfterATime() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        long base = System.currentTimeMillis() - 60_000;
        long[] stamps = {base, base + 1_000, base + 2_000, base + 2_000, base + 3_000};
        for (long stamp : stamps) {
            send(new ProducerRecord(topic, 0, null, bytes("at " + stamp), stamp, List.of()));
        }
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            assertEquals(new OffsetAndTimestamp(0, base), consumer.offsetsForTimes(Map.of(tp, base - 5_000)).get(tp));
            assertEquals(new OffsetAndTimestamp(1, base + 1_000), consumer.offsetsForTimes(Map.of(tp, base + 1_000)).get(tp));
            assertEquals(new OffsetAndTimestamp(2, base + 2_000), consumer.offsetsForTimes(Map.of(tp, base + 1_500)).get(tp));
            assertEquals(new OffsetAndTimestamp(2, base + 2_000), consumer.offsetsForTimes(Map.of(tp, base + 2_000)).get(tp));
            assertEquals(new OffsetAndTimestamp(4, base + 3_000), consumer.offsetsForTimes(Map.of(tp, base + 2_001)).get(tp));
            assertNull(consumer.offsetsForTimes(Map.of(tp, base + 3_001)).get(tp), "every record is older");
        }
    }

    // ---------------------------------------------------------------- back pressure

    /** A one-partition topic with {@code max.backlog.records}, and a member of a new group positioned on it. */
    private TestMember slowGroupOnLimitedTopic(TopicPartition[] tp, int maxBacklogRecords, Acks acks) {
        String topic = name("t");
        admin().createTopic(new NewTopic(topic, 1).withConfigs(Map.of(TopicConfigs.MAX_BACKLOG_RECORDS,
                String.valueOf(maxBacklogRecords))));
        tp[0] = new TopicPartition(topic, 0);
        String group = name("g");
        TestMember m = member(config(group), acks);
        m.subscribe(topic);
        pollUntil("group " + group + " has a position on " + topic,
                () -> describe(group).partitions().stream().anyMatch(l -> l.committed() >= 0), m);
        return m;
    }

    @Test
    void trySendFailsOnceTheSlowestGroupIsAtTheBacklogLimitAndPassesAfterItAcks() throws Exception {
        TopicPartition[] tp = new TopicPartition[1];
        TestMember m = slowGroupOnLimitedTopic(tp, 4, Acks.BY_TEST);
        produce(tp[0], 4);
        try (Producer p = backend().producer()) {
            ProducerRecord next = ProducerRecord.of(tp[0].topic(), "k", "over the limit");
            CompletableFuture<RecordMetadata> refused = p.trySend(next);
            Exception e = assertThrows(Exception.class, () -> refused.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            BacklogFullException full = assertInstanceOf(BacklogFullException.class, e.getCause());
            assertEquals(tp[0].topic(), full.topic());
            assertEquals(4, full.limit());

            pollUntilReceived(tp[0], 1, m);
            m.ack(tp[0], 0);
            m.ack(tp[0], 1);
            assertEquals(4, p.trySend(next).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).offset());
        }
    }

    @Test
    void sendWaitsWhileTheBacklogIsFullAndCompletesOnceTheGroupCatchesUp() throws Exception {
        TopicPartition[] tp = new TopicPartition[1];
        TestMember m = slowGroupOnLimitedTopic(tp, 2, Acks.AT_ONCE);
        produce(tp[0], 2);
        try (Producer p = backend().producer()) {
            CompletableFuture<RecordMetadata> waiting = CompletableFuture.supplyAsync(
                    () -> p.send(ProducerRecord.of(tp[0].topic(), "k", "after the backlog")).join());
            assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS),
                    "send must wait while the backlog is full");
            pollUntil("the waiting send completed", waiting::isDone, m);
            assertEquals(2, waiting.get().offset());
            pollUntilReceived(tp[0], 2, m);
        }
    }

    // ---------------------------------------------------------------- membership

    @Test
    void membersJoinAndLeaveAndThePartitionsFollowThem() {
        String topic = createTopic(4);
        List<TopicPartition> all = partitions(topic, 4);
        String group = name("g");
        TestMember a = member(config(group).clientId("a"), Acks.AT_ONCE);
        a.subscribe(topic);
        pollUntil("a owns all 4 partitions", () -> covers(all, a), a);

        TestMember b = member(config(group).clientId("b"), Acks.AT_ONCE);
        b.subscribe(topic);
        pollUntil("a and b own 2 partitions each", () -> owns(a, 2) && owns(b, 2) && covers(all, a, b), a, b);
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
        String topic = createTopic(4);
        List<TopicPartition> all = partitions(topic, 4);
        produce(all, 6);
        String group = name("g");
        TestMember a = member(config(group).clientId("a").sessionTimeoutMs(SHORT_SESSION_MS), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 24 records", () -> a.receivedCount() == 24, a);
        for (TopicPartition tp : all) {
            a.ack(tp, 0);
            a.ack(tp, 1);
        }
        // From here on a is silent: it neither polls nor acks.
        TestMember b = member(config(group).clientId("b"), Acks.BY_TEST);
        TestMember c = member(config(group).clientId("c"), Acks.BY_TEST);
        b.subscribe(topic);
        c.subscribe(topic);
        pollUntil("b and c took over a's partitions and received what a had not acked",
                () -> owns(b, 2) && owns(c, 2) && covers(all, b, c)
                        && all.stream().allMatch(tp -> (b.assignment().contains(tp) ? b : c).offsets(tp).size() == 4),
                b, c);
        for (TopicPartition tp : all) {
            TestMember owner = b.assignment().contains(tp) ? b : c;
            assertEquals(range(2, 6), owner.offsets(tp), "records of " + tp + " a had not acked, in order");
            assertDeliveryCounts(2, owner.received(tp));
        }
        assertEquals(Set.of(b.memberId(), c.memberId()), membersOf(group).keySet(), "a was removed from the group");
        assertListenersConsistent(b, c);
    }

    @Test
    void memberBackFromSilenceIsToldItsPartitionsWereLostAndJoinsAgain() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 2);
        String group = name("g");
        TestMember a = member(config(group).clientId("a").sessionTimeoutMs(SHORT_SESSION_MS), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 4", () -> a.receivedCount() == 4, a);
        TestMember b = member(config(group).clientId("b"), Acks.AT_ONCE);
        b.subscribe(topic);
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

    // ---------------------------------------------------------------- assignment

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

    // ---------------------------------------------------------------- rebalance callbacks

    @Test
    void rebalanceListenerIsToldExactlyThePartitionsGainedAndLost() {
        String topic = createTopic(4);
        List<TopicPartition> all = partitions(topic, 4);
        String group = name("g");
        // a and b join together, before either polls.
        TestMember a = member(config(group).clientId("a"), Acks.AT_ONCE);
        TestMember b = member(config(group).clientId("b"), Acks.AT_ONCE);
        a.subscribe(topic);
        b.subscribe(topic);
        pollUntil("a and b own 2 each", () -> owns(a, 2) && owns(b, 2) && covers(all, a, b), a, b);
        assertListenersConsistent(a, b);
        assertEquals(a.assignment(), a.listener.held());
        assertEquals(b.assignment(), b.listener.held());

        TestMember c = member(config(group).clientId("c"), Acks.AT_ONCE);
        c.subscribe(topic);
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
        String topic = createTopic(4);
        List<TopicPartition> all = partitions(topic, 4);
        String group = name("g");
        TestMember a = member(config(group).clientId("a"), Acks.AT_ONCE);
        a.subscribe(topic);
        pollUntil("a owns all 4", () -> covers(all, a), a);
        TestMember b = member(config(group).clientId("b"), Acks.AT_ONCE);
        b.subscribe(topic);
        a.close();
        assertEquals(Set.of(), a.listener.held(), "a's listener was told it gave up everything");
        assertEquals(new TreeSet<>(all), a.listener.everRevoked());
        pollUntil("b owns all 4", () -> covers(all, b), b);
        assertListenersConsistent(a, b);
    }

    @Test
    void ackingInsideOnPartitionsRevokedFinishesTheRecords() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 5);
        String group = name("g");
        TestMember a = member(config(group).clientId("a"), Acks.BY_TEST, OnRevoke.FINISH);
        a.subscribe(topic);
        pollUntil("a received all 10", () -> a.receivedCount() == 10, a);

        TestMember b = member(config(group).clientId("b"), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("a handed one partition to b", () -> owns(a, 1) && owns(b, 1) && covers(all, a, b), a, b);
        TopicPartition moved = b.assignment().iterator().next();
        TopicPartition kept = a.assignment().iterator().next();
        assertEquals(Set.of(moved), a.listener.everRevoked());

        produce(all, 1);
        pollUntil("the record after the rebalance arrived on both partitions",
                () -> b.offsets(moved).contains(5L) && a.offsets(kept).contains(5L), a, b);
        assertEquals(List.of(5L), b.offsets(moved), "b got nothing a had finished in onPartitionsRevoked");
        assertEquals(range(0, 6), a.offsets(kept), "a's kept partition went on where it was");
        b.consumer.commitSync();
        assertEquals(5, firstNotDone(group, moved), "a's acks inside the callback counted");
        assertListenersConsistent(a, b);
    }

    @Test
    void ackingInsideOnPartitionsRevokedWhileClosingFinishesTheRecords() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        TestMember a = member(config(group).clientId("a"), Acks.BY_TEST, OnRevoke.FINISH);
        a.subscribe(topic);
        pollUntil("a received all 3", () -> a.receivedCount() == 3, a);
        a.close();
        assertEquals(Set.of(tp), a.listener.everRevoked(), "closing revoked the partition");

        TestMember b = member(config(group).clientId("b"), Acks.BY_TEST);
        b.subscribe(topic);
        produce(tp, 1);
        pollUntilReceived(tp, 3, b);
        assertEquals(List.of(3L), b.offsets(tp), "b got nothing a had finished while closing");
    }

    @Test
    void notAckingInsideOnPartitionsRevokedGivesTheRecordsUpToTheNextOwner() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 5);
        String group = name("g");
        TestMember a = member(config(group).clientId("a"), Acks.BY_TEST, OnRevoke.GIVE_UP);
        a.subscribe(topic);
        pollUntil("a received all 10", () -> a.receivedCount() == 10, a);

        TestMember b = member(config(group).clientId("b"), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("a handed one partition to b", () -> owns(a, 1) && owns(b, 1) && covers(all, a, b), a, b);
        TopicPartition moved = b.assignment().iterator().next();
        pollUntil("b received the 5 records a gave up", () -> b.offsets(moved).size() == 5, a, b);
        assertEquals(range(0, 5), b.offsets(moved));
        assertDeliveryCounts(2, b.received(moved));
        assertListenersConsistent(a, b);
    }

    // ---------------------------------------------------------------- fencing

    @Test
    void ackForAPartitionThatMovedIsFencedAndChangesNothing() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 3);
        String group = name("g");
        TestMember a = member(config(group).clientId("a"), Acks.BY_TEST, OnRevoke.GIVE_UP);
        a.subscribe(topic);
        pollUntil("a received all 6", () -> a.receivedCount() == 6, a);

        TestMember b = member(config(group).clientId("b"), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("a handed one partition to b", () -> owns(a, 1) && owns(b, 1) && covers(all, a, b), a, b);
        TopicPartition moved = b.assignment().iterator().next();
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
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        TestMember a = member(config(group).clientId("a").sessionTimeoutMs(SHORT_SESSION_MS), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 3", () -> a.receivedCount() == 3, a);

        TestMember b = member(config(group).clientId("b"), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("b took the partition over from the silent a", () -> b.assignment().contains(tp), b);
        assertThrows(FencedMemberException.class, () -> a.consumer.ack(a.received(tp, 0)));

        pollUntil("b received the 3 records again", () -> b.offsets(tp).size() == 3, b);
        b.consumer.commitSync();
        assertEquals(0, firstNotDone(group, tp), "the fenced ack did not move the committed position");
        assertEquals(range(0, 3), b.offsets(tp));
    }

    // ---------------------------------------------------------------- ORDERED mode

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

    @Test
    void committedPositionIsTheFirstUnackedRecordWhenAcksArriveOutOfOrder() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 10);
        String group = name("g");
        TestMember a = member(config(group), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 10", () -> a.receivedCount() == 10, a);
        assertEquals(range(0, 10), a.offsets(tp));

        a.ack(tp, 1);
        a.ack(tp, 2);
        a.ack(tp, 4);
        assertCommitted(a, group, tp, 0);
        a.ack(tp, 0);
        assertCommitted(a, group, tp, 3);
        a.ack(tp, 3);
        a.ack(tp, 3);
        assertCommitted(a, group, tp, 5);
        for (long offset = 9; offset >= 5; offset--) {
            a.ack(tp, offset);
        }
        assertCommitted(a, group, tp, 10);
        assertEquals(0, lag(group, tp).lag());
    }

    private void assertCommitted(TestMember m, String group, TopicPartition tp, long expected) {
        m.consumer.commitSync();
        assertEquals(expected, firstNotDone(group, tp), "committed position of " + group + " on " + tp);
        PartitionLag lag = lag(group, tp);
        assertEquals(lag.endOffset() - expected, lag.lag(), "lag of " + tp);
    }

    @Test
    void redeliveryKeepsOffsetOrderAndSkipsRecordsAlreadyAcked() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 10);
        String group = name("g");
        TestMember a = member(config(group).clientId("a"), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 10", () -> a.receivedCount() == 10, a);
        for (long offset : new long[] {7, 2, 0, 3}) {
            a.ack(tp, offset);
        }
        a.close();

        TestMember b = member(config(group).clientId("b").maxPollRecords(3), Acks.BY_TEST);
        b.subscribe(topic);
        produce(tp, 1);
        pollUntilReceived(tp, 10, b);
        assertEquals(List.of(1L, 4L, 5L, 6L, 8L, 9L, 10L), b.offsets(tp));
        assertDeliveryCounts(2, b.received(tp).subList(0, 6));
        assertEquals(1, b.received(tp, 10).deliveryCount());
    }

    // ---------------------------------------------------------------- restart

    @Test
    void restartedGroupResumesAtItsCommittedPositions() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 5);
        String group = name("g");
        TestMember a = member(config(group), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 10", () -> a.receivedCount() == 10, a);
        for (TopicPartition tp : all) {
            for (long offset = 0; offset < 3; offset++) {
                a.ack(tp, offset);
            }
        }
        a.consumer.commitSync();

        restart();
        assertTrue(admin().listGroups().contains(group), "the group is known after the restart");
        for (TopicPartition tp : all) {
            assertEquals(3, firstNotDone(group, tp), "committed position of " + tp + " after the restart");
        }
        TestMember b = member(config(group), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("b received the 4 unacked records", () -> b.receivedCount() == 4, b);
        for (TopicPartition tp : all) {
            assertEquals(List.of(3L, 4L), b.offsets(tp));
        }
    }

    @Test
    void restartedLatestGroupDoesNotSkipRecordsProducedBeforeTheRestart() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        GroupConsumerConfig.Builder latest = config(group).autoOffsetReset(AutoOffsetReset.LATEST);
        TestMember a = member(latest, Acks.AT_ONCE);
        a.subscribe(topic);
        pollUntil("a owns the partition", () -> a.assignment().contains(tp), a);
        a.consumer.commitSync();
        produce(tp, 2);

        restart();
        TestMember b = member(latest, Acks.AT_ONCE);
        b.subscribe(topic);
        pollUntil("b received the 2 records produced after the group started", () -> b.receivedCount() == 2, b);
        assertEquals(List.of(3L, 4L), b.offsets(tp), "the group's position, not the new end");
    }

    @Test
    void restartedGroupSkipsRecordsAckedOutOfOrder() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 8);
        String group = name("g");
        TestMember a = member(config(group), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 8", () -> a.receivedCount() == 8, a);
        for (long offset : new long[] {0, 1, 3, 5}) {
            a.ack(tp, offset);
        }
        a.consumer.commitSync();

        restart();
        assertEquals(2, firstNotDone(group, tp));
        TestMember b = member(config(group), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("b received the 4 unacked records", () -> b.receivedCount() == 4, b);
        assertEquals(List.of(2L, 4L, 6L, 7L), b.offsets(tp));
    }

    // ---------------------------------------------------------------- delivery guarantees

    @Test
    void atMostOnceRecordsTakenByASilentMemberAreNotDeliveredAgain() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 10);
        String group = name("g");
        TestMember a = member(config(group).clientId("a").delivery(DeliveryGuarantee.AT_MOST_ONCE)
                .sessionTimeoutMs(SHORT_SESSION_MS).maxPollRecords(4), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a took some records", () -> a.receivedCount() > 0, a);
        long taken = a.receivedCount();
        assertEquals(range(0, taken), a.offsets(tp));

        TestMember b = member(config(group).clientId("b").delivery(DeliveryGuarantee.AT_MOST_ONCE), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntilReceived(tp, 9, b);
        assertEquals(range(taken, 10), b.offsets(tp), "b got only what a had not taken");
    }

    @Test
    void atMostOnceRecordsTakenBeforeARestartAreNotDeliveredAgain() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 10);
        String group = name("g");
        GroupConsumerConfig.Builder atMostOnce = config(group).delivery(DeliveryGuarantee.AT_MOST_ONCE).maxPollRecords(4);
        TestMember a = member(atMostOnce, Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a took some records", () -> a.receivedCount() > 0, a);
        long taken = a.receivedCount();

        restart();
        TestMember b = member(atMostOnce, Acks.BY_TEST);
        b.subscribe(topic);
        pollUntilReceived(tp, 9, b);
        assertEquals(range(taken, 10), b.offsets(tp), "nothing a took before the restart came again");
    }

    @Test
    void atLeastOnceRedeliversUnackedRecordsOfACrashedMemberWithDeliveryCountTwo() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        TestMember a = member(config(group).clientId("a").sessionTimeoutMs(SHORT_SESSION_MS), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 3", () -> a.receivedCount() == 3, a);
        assertDeliveryCounts(1, a.received());

        TestMember b = member(config(group).clientId("b"), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("b received the 3 records a never acked", () -> b.receivedCount() == 3, b);
        assertEquals(range(0, 3), b.offsets(tp));
        assertDeliveryCounts(2, b.received());
    }

    @Test
    void atLeastOnceRedeliversUnackedRecordsAfterARestart() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        TestMember a = member(config(group), Acks.BY_TEST);
        a.subscribe(topic);
        pollUntil("a received all 3", () -> a.receivedCount() == 3, a);
        a.ack(tp, 0);
        a.consumer.commitSync();

        restart();
        TestMember b = member(config(group), Acks.BY_TEST);
        b.subscribe(topic);
        pollUntil("b received the 2 records a never acked", () -> b.receivedCount() == 2, b);
        assertEquals(List.of(1L, 2L), b.offsets(tp));
        for (ConsumerRecord r : b.received()) {
            assertTrue(r.deliveryCount() >= 1, "delivery counted: " + r);
        }
    }

    // ---------------------------------------------------------------- replay and lag

    @Test
    void newGroupWithEarliestStartsAtTheBeginning() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 3);
        TestMember m = member(config(name("g")).autoOffsetReset(AutoOffsetReset.EARLIEST), Acks.AT_ONCE);
        m.subscribe(topic);
        pollUntil("all 6 records", () -> m.receivedCount() == 6, m);
        for (TopicPartition tp : all) {
            assertEquals(range(0, 3), m.offsets(tp));
        }
    }

    @Test
    void newGroupWithLatestStartsAtTheEnd() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 3);
        String group = name("g");
        TestMember m = member(config(group).autoOffsetReset(AutoOffsetReset.LATEST), Acks.AT_ONCE);
        m.subscribe(topic);
        pollUntil("the member owns both partitions", () -> covers(all, m), m);
        m.consumer.commitSync();
        produce(all, 1);
        pollUntil("the 2 records produced after joining", () -> m.receivedCount() == 2, m);
        for (TopicPartition tp : all) {
            assertEquals(List.of(3L), m.offsets(tp));
        }
        m.consumer.commitSync();
        assertEquals(0, describe(group).totalLag());
    }

    /** Two groups that consumed and acked everything on the topic, then closed their members. */
    private List<String> twoGroupsDoneWith(String topic, int records) {
        List<String> groups = List.of(name("g"), name("g"));
        for (String group : groups) {
            TestMember m = member(config(group), Acks.AT_ONCE);
            m.subscribe(topic);
            pollUntil(group + " consumed everything", () -> m.receivedCount() == records, m);
            m.consumer.commitSync();
            m.close();
            assertEquals(0, describe(group).totalLag(), group + " is done with " + topic);
        }
        return groups;
    }

    @Test
    void resetToEarliestReplaysOneGroupAndLeavesTheOtherAlone() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 3);
        List<String> groups = twoGroupsDoneWith(topic, 6);
        String replaying = groups.get(0);
        String other = groups.get(1);

        Map<TopicPartition, Long> moved = admin().resetOffsets(replaying, topic, OffsetSpec.earliest());
        assertEquals(Map.of(all.get(0), 0L, all.get(1), 0L), moved);
        assertEquals(6, describe(replaying).totalLag());
        assertEquals(0, describe(other).totalLag(), "the other group is untouched");

        produce(all, 1);
        TestMember again = member(config(replaying), Acks.AT_ONCE);
        again.subscribe(topic);
        pollUntil("the replaying group got everything again", () -> again.receivedCount() == 8, again);
        for (TopicPartition tp : all) {
            assertEquals(range(0, 4), again.offsets(tp));
        }
        TestMember untouched = member(config(other), Acks.AT_ONCE);
        untouched.subscribe(topic);
        pollUntil("the other group got only the new records", () -> untouched.receivedCount() == 2, untouched);
        for (TopicPartition tp : all) {
            assertEquals(List.of(3L), untouched.offsets(tp));
        }
    }

    @Test
    void resetToLatestSkipsTheBacklog() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 3);
        List<String> groups = twoGroupsDoneWith(topic, 6);
        produce(all, 4);
        String skipping = groups.get(0);

        Map<TopicPartition, Long> moved = admin().resetOffsets(skipping, topic, OffsetSpec.latest());
        assertEquals(Map.of(all.get(0), 7L, all.get(1), 7L), moved);
        assertEquals(0, describe(skipping).totalLag());
        assertEquals(8, describe(groups.get(1)).totalLag(), "the other group still has its backlog");

        produce(all, 1);
        TestMember m = member(config(skipping), Acks.AT_ONCE);
        m.subscribe(topic);
        pollUntil("the records after the reset", () -> m.receivedCount() == 2, m);
        for (TopicPartition tp : all) {
            assertEquals(List.of(7L), m.offsets(tp));
        }
    }

    @Test
    void resetToAnOffsetReplaysFromThatOffset() {
        String topic = createTopic(2);
        List<TopicPartition> all = partitions(topic, 2);
        produce(all, 5);
        List<String> groups = twoGroupsDoneWith(topic, 10);

        Map<TopicPartition, Long> moved = admin().resetOffsets(groups.get(0), topic, OffsetSpec.offset(2));
        assertEquals(Map.of(all.get(0), 2L, all.get(1), 2L), moved);
        for (TopicPartition tp : all) {
            assertEquals(2, firstNotDone(groups.get(0), tp));
            assertEquals(5, firstNotDone(groups.get(1), tp), "the other group is untouched");
        }
        TestMember m = member(config(groups.get(0)), Acks.AT_ONCE);
        m.subscribe(topic);
        pollUntil("the records from offset 2 on", () -> m.receivedCount() == 6, m);
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
        List<String> groups = twoGroupsDoneWith(topic, 4);
        String group = groups.get(0);

        assertEquals(Map.of(tp, 4L), admin().resetOffsets(group, topic, OffsetSpec.timestamp(base + 10_000)),
                "every record is older: the end");
        assertEquals(Map.of(tp, 2L), admin().resetOffsets(group, topic, OffsetSpec.timestamp(base + 1_500)));
        assertEquals(4, firstNotDone(groups.get(1), tp), "the other group is untouched");
        TestMember m = member(config(group), Acks.AT_ONCE);
        m.subscribe(topic);
        pollUntil("the records from the time on", () -> m.receivedCount() == 2, m);
        assertEquals(List.of(2L, 3L), m.offsets(tp));
    }

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
        List<String> finished = twoGroupsDoneWith(topic, 2);
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

    // ---------------------------------------------------------------- small helpers

    /** Member id to assigned partitions, as the admin sees the group. */
    private Map<String, Set<TopicPartition>> membersOf(String group) {
        Map<String, Set<TopicPartition>> out = new HashMap<>();
        for (MemberDescription m : describe(group).members()) {
            out.put(m.memberId(), new TreeSet<>(m.assignment()));
        }
        return out;
    }

    // ---------------------------------------------------------------- retries and dead letters

    /** Polls {@code consumer} until it returned {@code count} records in all; fails after {@link #WAIT}. */
    private static ConsumerRecord at(List<ConsumerRecord> records, TopicPartition tp, long offset) {
        return records.stream().filter(r -> r.topicPartition().equals(tp) && r.offset() == offset).findFirst()
                .orElseThrow(() -> new AssertionError("no " + tp + "@" + offset + " in " + records));
    }

    private static String headerValue(ConsumerRecord r, String key) {
        Header h = r.header(key);
        return h == null ? null : h.valueAsString();
    }

    private GroupConsumer groupConsumer(GroupConsumerConfig.Builder config, String topic) {
        GroupConsumer consumer = backend().groupConsumer(config.build());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    @Test
    void releasedRecordComesAgainAfterTheBackoffWithItsCountIncrementedAndInOrderWhileAnotherPartitionFlows() {
        String topic = createTopic(2);
        TopicPartition slow = new TopicPartition(topic, 0);
        TopicPartition other = new TopicPartition(topic, 1);
        produce(slow, 3);
        produce(other, 2);
        // Long enough that the other partition's records come within it even on a loaded machine.
        // Each batch is timed by when its poll returned: a record of the slow partition in a batch
        // returned before the backoff ran out came too early, whatever the machine's speed.
        long backoffMs = 3_000;
        try (GroupConsumer c = groupConsumer(config(name("g")).retryBackoffMs(backoffMs).retryBackoffMaxMs(backoffMs),
                topic)) {
            List<ConsumerRecord> first = pollRecords(c, 5);
            c.ack(at(first, slow, 0));
            first.stream().filter(r -> r.topicPartition().equals(other)).forEach(c::ack);
            long releasedAt = System.nanoTime();
            c.acknowledge(at(first, slow, 1), AckType.RELEASE, "try later");
            produce(other, 2);

            List<ConsumerRecord> fromOther = new ArrayList<>();
            List<ConsumerRecord> again = new ArrayList<>();
            long otherCameMs = -1;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (fromOther.size() < 2 || again.size() < 2) {
                assertTrue(System.nanoTime() - deadline < 0, "waited " + WAIT.toSeconds() + " s; the other partition "
                        + "gave " + fromOther + ", the slow one " + again);
                List<ConsumerRecord> batch = c.poll(POLL);
                long returnedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt);
                for (ConsumerRecord r : batch) {
                    if (r.topicPartition().equals(slow)) {
                        assertTrue(returnedMs >= backoffMs * 0.8, slow + "@" + r.offset() + " came again "
                                + returnedMs + " ms after the release, before the backoff of " + backoffMs + " ms");
                        again.add(r);
                    } else {
                        fromOther.add(r);
                        otherCameMs = returnedMs;
                    }
                }
            }
            assertEquals(List.of(2L, 3L), fromOther.stream().map(ConsumerRecord::offset).toList());
            assertTrue(otherCameMs < backoffMs, "the other partition flowed while the released record waited, "
                    + "yet its records came " + otherCameMs + " ms after the release, past the backoff of "
                    + backoffMs + " ms");
            assertEquals(List.of(1L, 2L), again.stream().map(ConsumerRecord::offset).toList(), "in order: " + again);
            assertEquals(List.of(2, 1), again.stream().map(ConsumerRecord::deliveryCount).toList(),
                    "the released record counts again; the one behind it was given back, not delivered twice");
            again.forEach(c::ack);
            c.commitSync();
        }
    }

    @Test
    void recordReleasedUntilItIsDeadLetteredDoesNotUseUpTheDeliveriesOfTheRecordsBehindIt() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 4);
        String group = name("g");
        try (GroupConsumer c = groupConsumer(config(group).maxDeliveries(3).retryBackoffMs(0), topic)) {
            for (int delivery = 1; delivery <= 3; delivery++) {
                List<ConsumerRecord> batch = pollRecords(c, 4);
                assertEquals(List.of(0L, 1L, 2L, 3L), batch.stream().map(ConsumerRecord::offset).toList());
                assertEquals(List.of(delivery, 1, 1, 1), batch.stream().map(ConsumerRecord::deliveryCount).toList(),
                        "only the released record counts again");
                c.acknowledge(batch.get(0), AckType.RELEASE, "poison " + delivery);
            }
            List<ConsumerRecord> behind = pollRecords(c, 3);
            assertEquals(List.of(1L, 2L, 3L), behind.stream().map(ConsumerRecord::offset).toList(),
                    "the poison record went to the dead-letter topic, the ones behind it flow");
            behind.forEach(c::ack);
            c.commitSync();
            assertEquals(4, firstNotDone(group, tp));
        }
        List<ConsumerRecord> letters = admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(List.of("0"), letters.stream().map(r -> headerValue(r, DeadLetters.OFFSET)).toList());
        assertEquals("poison 3", headerValue(letters.get(0), DeadLetters.ERROR));
    }

    @Test
    void rejectedRecordIsDeadLetteredAtOnceWithItsOriginAndTheNextRecordFlows() {
        String topic = createTopic(2);
        TopicPartition tp = new TopicPartition(topic, 1);
        RecordMetadata sent = send(new ProducerRecord(topic, 1, bytes("key"), bytes("bad"), null,
                List.of(Header.of("trace", "abc"))));
        produce(tp, 1);
        String group = name("g");
        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            List<ConsumerRecord> got = pollRecords(c, 2);
            c.acknowledge(at(got, tp, 0), AckType.REJECT, "unreadable image");
            c.ack(at(got, tp, 1));
            c.commitSync();
            assertEquals(2, firstNotDone(group, tp), "the rejected record counts as done");
        }
        List<ConsumerRecord> letters = admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(1, letters.size(), letters.toString());
        ConsumerRecord letter = letters.get(0);
        assertEquals("key", letter.keyAsString());
        assertEquals("bad", letter.valueAsString());
        assertEquals("abc", headerValue(letter, "trace"));
        assertEquals(topic, headerValue(letter, DeadLetters.TOPIC));
        assertEquals("1", headerValue(letter, DeadLetters.PARTITION));
        assertEquals("0", headerValue(letter, DeadLetters.OFFSET));
        assertEquals(String.valueOf(sent.timestamp()), headerValue(letter, DeadLetters.TIMESTAMP));
        assertEquals(group, headerValue(letter, DeadLetters.GROUP));
        assertEquals("1", headerValue(letter, DeadLetters.DELIVERY_COUNT));
        assertEquals("unreadable image", headerValue(letter, DeadLetters.ERROR));
        assertEquals("rejected", headerValue(letter, DeadLetters.CAUSE));
        long at = Long.parseLong(headerValue(letter, DeadLetters.DEAD_LETTERED_AT));
        assertTrue(Math.abs(System.currentTimeMillis() - at) < WAIT.toMillis(), "dead-lettered at " + at);
    }

    @Test
    void recordReleasedMaxDeliveriesTimesIsDeadLetteredWithTheLastErrorAndTheNextRecordFlows() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 2);
        String group = name("g");
        try (GroupConsumer c = groupConsumer(config(group).maxDeliveries(3).retryBackoffMs(0).retryBackoffMaxMs(0)
                .maxPollRecords(1), topic)) {
            for (int delivery = 1; delivery <= 3; delivery++) {
                ConsumerRecord r = pollRecords(c, 1).get(0);
                assertEquals(0, r.offset());
                assertEquals(delivery, r.deliveryCount());
                c.acknowledge(r, AckType.RELEASE, "failure " + delivery);
            }
            ConsumerRecord next = pollRecords(c, 1).get(0);
            assertEquals(1, next.offset(), "the record behind the dead letter flows");
            assertEquals(1, next.deliveryCount());
            c.ack(next);
            c.commitSync();
            assertEquals(2, firstNotDone(group, tp));
        }
        List<ConsumerRecord> letters = admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(1, letters.size(), letters.toString());
        assertEquals(tp + "/0", letters.get(0).valueAsString());
        assertEquals("3", headerValue(letters.get(0), DeadLetters.DELIVERY_COUNT));
        assertEquals("failure 3", headerValue(letters.get(0), DeadLetters.ERROR));
        assertEquals("max-deliveries", headerValue(letters.get(0), DeadLetters.CAUSE));
    }

    // ---- SHARED mode: any member takes any record, locked for the visibility timeout ----

    private GroupConsumer sharedConsumer(GroupConsumerConfig.Builder config, String topic) {
        return groupConsumer(config.mode(ConsumptionMode.SHARED), topic);
    }

    private static Set<Long> offsetsOf(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::offset).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void sharedMembersBothTakeRecordsOfOnePartition() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 20);
        String group = name("g");
        try (GroupConsumer a = sharedConsumer(config(group).maxPollRecords(5), topic);
             GroupConsumer b = sharedConsumer(config(group).maxPollRecords(5), topic)) {
            List<ConsumerRecord> fromA = pollRecords(a, 5);
            List<ConsumerRecord> fromB = pollRecords(b, 5);
            assertTrue(fromB.stream().allMatch(r -> r.topicPartition().equals(tp)), fromB.toString());
            Set<Long> both = offsetsOf(fromA);
            both.addAll(offsetsOf(fromB));
            assertEquals(10, both.size(), "no record went to both: " + fromA + " " + fromB);
            assertTrue(a.assignment().isEmpty() && b.assignment().isEmpty(), "a SHARED member owns no partition");
        }
    }

    @Test
    void sharedRecordIsHandedToOneMemberAtATimeWhileLocked() {
        String topic = createTopic(2);
        produce(partitions(topic, 2), 15);
        String group = name("g");
        try (GroupConsumer a = sharedConsumer(config(group).maxPollRecords(4), topic);
             GroupConsumer b = sharedConsumer(config(group).maxPollRecords(4), topic)) {
            Set<String> seen = new TreeSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seen.size() < 30) {
                assertTrue(System.nanoTime() - deadline < 0, "waited for 30 records, got " + seen);
                for (GroupConsumer c : List.of(a, b)) {
                    for (ConsumerRecord r : c.poll(POLL)) {
                        assertTrue(seen.add(r.topicPartition() + "@" + r.offset()), "handed out twice: " + r);
                        assertEquals(1, r.deliveryCount());
                    }
                }
            }
            assertEquals(List.of(), a.poll(POLL));
            assertEquals(List.of(), b.poll(POLL));
        }
    }

    @Test
    void sharedMemberStallingPastTheVisibilityTimeoutLosesItsRecordsAndItsLateAckIsFenced() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        // only the stalled member's locks are short: the other keeps what it retakes while the test
        // checks the late acks, however long a loaded machine makes that take
        try (GroupConsumer stalled = sharedConsumer(config(group).visibilityTimeoutMs(300), topic);
             GroupConsumer other = sharedConsumer(config(group), topic)) {
            List<ConsumerRecord> taken = pollRecords(stalled, 3);
            // No sleep: the other member polls until the stalled member's locks expire.
            List<ConsumerRecord> retaken = pollRecords(other, 3);
            assertEquals(offsetsOf(taken), offsetsOf(retaken));
            assertTrue(retaken.stream().allMatch(r -> r.deliveryCount() == 2), retaken.toString());
            for (ConsumerRecord late : taken) {
                assertThrows(FencedMemberException.class, () -> stalled.ack(late));
                assertThrows(FencedMemberException.class, () -> stalled.acknowledge(late, AckType.RELEASE));
                assertThrows(FencedMemberException.class, () -> stalled.acknowledge(late, AckType.RENEW));
            }
            retaken.forEach(other::ack);
            other.commitSync();
            awaitFirstNotDone(group, tp, 3);
        }
    }

    @Test
    void sharedReleaseMakesTheRecordAvailableToOthersWithItsDeliveryCountPlusOne() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 1);
        String group = name("g");
        try (GroupConsumer a = sharedConsumer(config(group), topic);
             GroupConsumer b = sharedConsumer(config(group), topic)) {
            ConsumerRecord first = pollRecords(a, 1).get(0);
            assertEquals(1, first.deliveryCount());
            a.acknowledge(first, AckType.RELEASE, "not now");
            ConsumerRecord again = pollRecords(b, 1).get(0);
            assertEquals(first.offset(), again.offset());
            assertEquals(2, again.deliveryCount());
            assertThrows(FencedMemberException.class, () -> a.ack(first));
            b.ack(again);
        }
    }

    @Test
    void sharedRenewKeepsARecordLockedPastTheOriginalTimeout() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 1);
        String group = name("g");
        long visibilityMs = 500;
        try (GroupConsumer a = sharedConsumer(config(group).visibilityTimeoutMs(visibilityMs), topic);
             GroupConsumer b = sharedConsumer(config(group).visibilityTimeoutMs(visibilityMs), topic)) {
            // Every lock runs at least visibilityMs from the moment before it was asked for (the
            // poll, a renewal): a lock seen ended sooner is a broken promise, a lock seen ended later
            // only says the test stalled past it.
            long locked = System.nanoTime();
            ConsumerRecord r = pollRecords(a, 1).get(0);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * visibilityMs);
            while (System.nanoTime() - until < 0) {
                long renewing = System.nanoTime();
                settleOrStalled(() -> a.acknowledge(r, AckType.RENEW), locked, visibilityMs, "renewing the lock");
                locked = renewing;
                if (!b.poll(Duration.ofMillis(100)).isEmpty()) {
                    requireStalledPast(locked, visibilityMs, "the renewed record was handed to b");
                }
            }
            settleOrStalled(() -> a.ack(r), locked, visibilityMs, "acking the renewed record");
            assertEquals(List.of(), b.poll(POLL));
        }
    }

    /** Runs a settlement of a locked record; its fence is allowed only once the test stalled past the lock. */
    private static void settleOrStalled(Runnable settle, long lockedAt, long visibilityMs, String what) {
        try {
            settle.run();
        } catch (FencedMemberException e) {
            requireStalledPast(lockedAt, visibilityMs, what + " was fenced (" + e.getMessage() + ")");
        }
    }

    /**
     * What a lock that ran out explains: the test stalled since {@code lockedAt} (taken before the
     * lock was asked for) for longer than the lock. Then the renewal cannot be checked on this
     * machine now, and the test stops without a verdict; sooner, it is a broken promise.
     */
    private static void requireStalledPast(long lockedAt, long visibilityMs, String what) {
        long sinceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lockedAt);
        assertTrue(sinceMs >= visibilityMs, what + " " + sinceMs + " ms after a renewal of its " + visibilityMs
                + " ms lock");
        Assumptions.abort(what + " after the test thread stalled " + sinceMs + " ms, past the " + visibilityMs
                + " ms lock: the renewal cannot be checked on a machine this loaded");
    }

    @Test
    void sharedInFlightCapLimitsTheLockedRecordsOfAPartition() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 10);
        String group = name("g");
        try (GroupConsumer a = sharedConsumer(config(group).maxInFlightPerPartition(3), topic);
             GroupConsumer b = sharedConsumer(config(group).maxInFlightPerPartition(3), topic)) {
            List<ConsumerRecord> taken = pollRecords(a, 3);
            assertEquals(3, taken.size());
            assertEquals(List.of(), a.poll(Duration.ofMillis(100)));
            assertEquals(List.of(), b.poll(Duration.ofMillis(100)));
            a.ack(taken.get(0));
            List<ConsumerRecord> next = pollRecords(b, 1);
            assertEquals(1, next.size());
            assertEquals(3, next.get(0).offset());
        }
    }

    @Test
    void sharedRecordReleasedMaxDeliveriesTimesIsDeadLettered() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 2);
        String group = name("g");
        try (GroupConsumer c = sharedConsumer(config(group).maxDeliveries(3).maxPollRecords(1), topic)) {
            for (int delivery = 1; delivery <= 3; delivery++) {
                ConsumerRecord r = pollRecords(c, 1).get(0);
                assertEquals(0, r.offset());
                assertEquals(delivery, r.deliveryCount());
                c.acknowledge(r, AckType.RELEASE, "failure " + delivery);
            }
            ConsumerRecord next = pollRecords(c, 1).get(0);
            assertEquals(1, next.offset(), "the record behind the dead letter flows");
            c.ack(next);
            c.commitSync();
            awaitFirstNotDone(group, tp, 2);
        }
        List<ConsumerRecord> letters = admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(1, letters.size(), letters.toString());
        assertEquals(tp + "/0", letters.get(0).valueAsString());
        assertEquals("3", headerValue(letters.get(0), DeadLetters.DELIVERY_COUNT));
        assertEquals("failure 3", headerValue(letters.get(0), DeadLetters.ERROR));
        assertEquals("max-deliveries", headerValue(letters.get(0), DeadLetters.CAUSE));
    }

    @Test
    void sharedRecordRejectedIsDeadLetteredAtOnceSayingItWasRejected() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 2);
        String group = name("g");
        try (GroupConsumer c = sharedConsumer(config(group).maxDeliveries(3).maxPollRecords(1), topic)) {
            ConsumerRecord r = pollRecords(c, 1).get(0);
            c.acknowledge(r, AckType.REJECT, "unreadable image");
            ConsumerRecord next = pollRecords(c, 1).get(0);
            assertEquals(1, next.offset(), "the record behind the dead letter flows");
            c.ack(next);
            c.commitSync();
            awaitFirstNotDone(group, tp, 2);
        }
        List<ConsumerRecord> letters = admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(1, letters.size(), letters.toString());
        assertEquals("1", headerValue(letters.get(0), DeadLetters.DELIVERY_COUNT));
        assertEquals("unreadable image", headerValue(letters.get(0), DeadLetters.ERROR));
        assertEquals("rejected", headerValue(letters.get(0), DeadLetters.CAUSE));
    }

    @Test
    void sharedRecordWhoseLocksRunOutPastMaxDeliveriesIsDeadLetteredSayingNoDeliveryEnded() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 1);
        String group = name("g");
        String dlq = DeadLetters.topicFor(topic);
        try (GroupConsumer c = sharedConsumer(config(group).visibilityTimeoutMs(200).maxDeliveries(2), topic)) {
            for (int delivery = 1; delivery <= 2; delivery++) {
                ConsumerRecord r = pollRecords(c, 1).get(0); // never acked: the next comes when the lock runs out
                assertEquals(delivery, r.deliveryCount());
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!admin().listTopics().contains(dlq)) {
                assertTrue(System.nanoTime() - deadline < 0, "no dead letter within " + WAIT.toSeconds() + " s");
                assertEquals(List.of(), c.poll(Duration.ofMillis(100)), "the third delivery is past the maximum");
            }
        }
        List<ConsumerRecord> letters = admin().deadLetters(dlq);
        assertEquals(1, letters.size(), letters.toString());
        assertEquals("2", headerValue(letters.get(0), DeadLetters.DELIVERY_COUNT));
        assertEquals(DeadLetters.pastMaxDeliveriesError(null, 2), headerValue(letters.get(0), DeadLetters.ERROR));
        assertEquals("max-deliveries", headerValue(letters.get(0), DeadLetters.CAUSE));
    }

    @Test
    void sharedMemberThatLeavesReleasesItsLocksAtOnce() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 2);
        String group = name("g");
        try (GroupConsumer b = sharedConsumer(config(group), topic)) {
            GroupConsumer a = sharedConsumer(config(group), topic);
            List<ConsumerRecord> taken = pollRecords(a, 2);
            a.close();
            List<ConsumerRecord> again = pollRecords(b, 2);
            assertEquals(offsetsOf(taken), offsetsOf(again));
            assertTrue(again.stream().allMatch(r -> r.deliveryCount() == 2), again.toString());
        }
    }

    @Test
    void resetOfAnEmptySharedGroupReplaysFromTheNewPositionWithFreshCounts() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 4);
        String group = name("g");
        try (GroupConsumer first = sharedConsumer(config(group), topic)) {
            List<ConsumerRecord> taken = pollRecords(first, 4);
            taken.forEach(first::ack);
            first.commitSync();
        }
        assertEquals(4, firstNotDone(group, tp));

        assertEquals(Map.of(tp, 1L), admin().resetOffsets(group, topic, OffsetSpec.offset(1)));
        assertEquals(1, firstNotDone(group, tp));
        try (GroupConsumer replay = sharedConsumer(config(group), topic)) {
            List<ConsumerRecord> again = pollRecords(replay, 3);
            assertEquals(Set.of(1L, 2L, 3L), offsetsOf(again));
            assertDeliveryCounts(1, again);
        }
    }

    @Test
    void sharedAtMostOnceRecordIsDoneWhenHandedOut() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        try (GroupConsumer a = sharedConsumer(config(group).delivery(DeliveryGuarantee.AT_MOST_ONCE), topic)) {
            assertEquals(3, pollRecords(a, 3).size());
        }
        // Done means never handed out again: a record behind them is the first thing the next member
        // gets (shared members take available records from the lowest offset). The group's reported
        // position is no proof on Kafka: the persisted start offset of a share partition lags the
        // accepts (see docs/kafka.md's differences), and stayed at 1 for a minute under stress-verify.
        produce(tp, 1);
        try (GroupConsumer b = sharedConsumer(config(group), topic)) {
            List<ConsumerRecord> next = pollRecords(b, 1);
            assertEquals(Set.of(3L), offsetsOf(next), "records handed out at-most-once came again: " + next);
            b.ack(next.get(0));
        }
        if (!backend().name().equals("kafka")) {
            awaitFirstNotDone(group, tp, 4);
        }
    }

    @Test
    void sharedRecordsLockedAtARestartAreAvailableAgainWithTheirDeliveryCountsKept() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 3);
        String group = name("g");
        GroupConsumer before = sharedConsumer(config(group), topic);
        List<ConsumerRecord> taken = pollRecords(before, 3);
        before.ack(at(taken, tp, 1));
        restart();
        try (GroupConsumer after = sharedConsumer(config(group), topic)) {
            List<ConsumerRecord> again = pollRecords(after, 2);
            assertEquals(Set.of(0L, 2L), offsetsOf(again), "the acked record is not taken again");
            assertTrue(again.stream().allMatch(r -> r.deliveryCount() == 2), again.toString());
            assertEquals(List.of(), after.poll(POLL));
        }
    }

    @Test
    void emptyGroupSwitchesModeAndKeepsItsPosition() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 4);
        String group = name("g");
        try (GroupConsumer shared = sharedConsumer(config(group).maxPollRecords(2), topic)) {
            pollRecords(shared, 2).forEach(shared::ack);
        }
        try (GroupConsumer ordered = groupConsumer(config(group).maxPollRecords(1), topic)) {
            ConsumerRecord r = pollRecords(ordered, 1).get(0);
            assertEquals(2, r.offset());
            ordered.ack(r);
        }
        try (GroupConsumer shared = sharedConsumer(config(group), topic)) {
            ConsumerRecord r = pollRecords(shared, 1).get(0);
            assertEquals(3, r.offset());
            shared.ack(r);
            shared.commitSync();
            awaitFirstNotDone(group, tp, 4);
        }
    }

    @Test
    void memberJoiningASharedGroupInOrderedModeIsRefusedNamingBothModes() {
        String topic = createTopic(1);
        String group = name("g");
        try (GroupConsumer shared = sharedConsumer(config(group), topic);
             GroupConsumer ordered = backend().groupConsumer(config(group).build())) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> ordered.subscribe(List.of(topic)));
            assertTrue(e.getMessage().contains("SHARED") && e.getMessage().contains("ORDERED"), e.getMessage());
        }
    }

    @Test
    void deliveryCountSurvivesARestartWithoutAck() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 1);
        String group = name("g");
        GroupConsumer before = groupConsumer(config(group), topic);
        assertEquals(1, pollRecords(before, 1).get(0).deliveryCount());
        restart();
        try (GroupConsumer after = groupConsumer(config(group), topic)) {
            ConsumerRecord again = pollRecords(after, 1).get(0);
            assertEquals(0, again.offset());
            assertEquals(2, again.deliveryCount(), "the first delivery was counted before it was handed out");
        }
    }

    @Test
    void renewIsRefusedInOrderedMode() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 1);
        try (GroupConsumer c = groupConsumer(config(name("g")), topic)) {
            ConsumerRecord r = pollRecords(c, 1).get(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.acknowledge(r, AckType.RENEW));
            assertTrue(e.getMessage().contains("RENEW"), e.getMessage());
        }
    }

    /** Rejects every record of {@code topic} (partitions 0 and 1, {@code each} records each) as group {@code group}. */
    private void rejectAll(String topic, String group, int count) {
        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            for (ConsumerRecord r : pollRecords(c, count)) {
                c.acknowledge(r, AckType.REJECT, "no");
            }
            c.commitSync();
        }
    }

    @Test
    void redriveOfOneDeadLetterSendsItBackToItsOriginalPartitionOnceWithAFreshCount() {
        String topic = createTopic(3);
        TopicPartition tp = new TopicPartition(topic, 2);
        send(new ProducerRecord(topic, 2, bytes("k"), bytes("v"), null, List.of(Header.of("trace", "x"))));
        String group = name("g");
        rejectAll(topic, group, 1);
        String dlq = DeadLetters.topicFor(topic);
        long dlqOffset = admin().deadLetters(dlq).get(0).offset();

        assertTrue(admin().redrive(dlq, dlqOffset));
        assertFalse(admin().redrive(dlq, dlqOffset), "a dead letter is redriven once");
        assertEquals(List.of(), admin().deadLetters(dlq), "nothing left to redrive");

        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            ConsumerRecord back = pollRecords(c, 1).get(0);
            assertEquals(tp, back.topicPartition(), "back to its original partition");
            assertEquals(1, back.offset(), "as a new record");
            assertEquals(1, back.deliveryCount(), "with a fresh delivery count");
            assertEquals("k", back.keyAsString());
            assertEquals("v", back.valueAsString());
            assertEquals(List.of(Header.of("trace", "x")), back.headers(), "the dead-letter headers are gone");
            c.ack(back);
        }
    }

    @Test
    void redriveAllSendsBackTheMatchingDeadLettersAndLeavesTheOthersListed() {
        String topic = createTopic(2);
        produce(new TopicPartition(topic, 0), 3);
        produce(new TopicPartition(topic, 1), 2);
        String group = name("g");
        rejectAll(topic, group, 5);
        String dlq = DeadLetters.topicFor(topic);
        assertEquals(5, admin().deadLetters(dlq).size());

        long redriven = admin().redriveAll(dlq, r -> "0".equals(headerValue(r, DeadLetters.PARTITION)), 1000);
        assertEquals(3, redriven);
        List<ConsumerRecord> left = admin().deadLetters(dlq);
        assertEquals(2, left.size(), left.toString());
        assertTrue(left.stream().allMatch(r -> "1".equals(headerValue(r, DeadLetters.PARTITION))), left.toString());
        assertEquals(2, admin().redriveAll(dlq, r -> true, 1000));
        assertEquals(List.of(), admin().deadLetters(dlq));

        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            List<ConsumerRecord> back = pollRecords(c, 5);
            assertEquals(3, back.stream().filter(r -> r.partition() == 0).count(), back.toString());
            assertTrue(back.stream().allMatch(r -> r.deliveryCount() == 1), back.toString());
            back.forEach(c::ack);
        }
    }

    @Test
    void redriveAllStopsAtTheDeadLettersThereWereWhenItBegan() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 2);
        rejectAll(topic, name("g"), 2);
        String dlq = DeadLetters.topicFor(topic);
        boolean[] sentLate = {false};
        long redriven = admin().redriveAll(dlq, r -> {
            if (!sentLate[0]) {
                // A dead letter arriving during the redrive (a redriven record failing again) waits for the next one.
                send(ProducerRecord.of(dlq, "late", "late"));
                sentLate[0] = true;
            }
            return true;
        }, 1000);
        assertEquals(2, redriven);
        assertEquals(List.of("late"), admin().deadLetters(dlq).stream().map(ConsumerRecord::valueAsString).toList());
    }

    @Test
    void redriveAllKeepsToItsRate() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 5);
        rejectAll(topic, name("g"), 5);
        long start = System.nanoTime();
        assertEquals(5, admin().redriveAll(DeadLetters.topicFor(topic), r -> true, 20));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= 4 * 50 * 0.9, "5 records at 20/s took only " + elapsedMs + " ms");
    }

}
