package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SHARED mode: any member takes any record, locked for the visibility timeout. A record is
 * handed to one member at a time; a lock that runs out, a release or a member leaving makes it
 * available again, counted; renewals keep it locked; too many deliveries dead-letter it; an empty
 * group may switch modes and keeps its position, a live one refuses members of the other mode.
 */
public abstract class SharedModeContractTest extends ContractFixture {

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
            releaseTheFirstRecordAtEachDelivery(c, 3);
            ConsumerRecord next = pollRecords(c, 1).get(0);
            assertEquals(1, next.offset(), "the record behind the dead letter flows");
            c.ack(next);
            c.commitSync();
            awaitFirstNotDone(group, tp, 2);
        }
        ConsumerRecord letter = onlyDeadLetter(topic, 3, "failure 3", "max-deliveries");
        assertEquals(tp + "/0", letter.valueAsString());
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
        onlyDeadLetter(topic, 1, "unreadable image", "rejected");
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
        onlyDeadLetter(topic, 2, DeadLetters.pastMaxDeliveriesError(null, 2), "max-deliveries");
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
}
