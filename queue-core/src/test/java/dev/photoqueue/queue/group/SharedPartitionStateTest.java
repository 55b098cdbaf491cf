package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.photoqueue.queue.group.LogReads.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One partition of a SHARED group: records are locked to one member until a deadline, acks make
 * them done, releases and expiry make them available with their counts kept, renew extends a
 * lock, the in-flight cap holds, and only the holder of the current lock settles a record.
 * Time is a number here (nanoseconds), not a clock.
 */
class SharedPartitionStateTest {

    private static final String GROUP = "g";
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long LOCK = 1_000;
    private static final int CAP = 100;

    private SharedPartitionState state;
    private Member a;
    private Member b;

    @BeforeEach
    void setUp() {
        state = new SharedPartitionState(TP);
        state.initialize(CommittedPosition.at(0), false);
        a = member("a");
        b = member("b");
    }

    private static Member member(String id) {
        return new Member(id, GroupConsumerConfig.builder(GROUP).mode(ConsumptionMode.SHARED).build(),
                Set.of(TP.topic()), 0);
    }

    private List<ConsumerRecord> take(Member m, long from, long to, int max, long now) {
        return state.take(m, records(TP, from, to), max, CAP, now, now + LOCK);
    }

    private static List<Long> offsets(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }

    @Test
    void takeLocksRecordsSoAnotherMemberCannotTakeThem() {
        assertEquals(List.of(0L, 1L), offsets(take(a, 0, 1, 10, 0)));
        assertEquals(2, state.nextCandidate(0, CAP));
        assertEquals(List.of(), offsets(take(b, 0, 1, 10, 10)));
        assertEquals(List.of(2L, 3L), offsets(take(b, 2, 3, 10, 10)));
        assertEquals(4, state.lockedCount());
    }

    @Test
    void acksMoveTheCommittedPositionPastDoneRecordsOnly() {
        take(a, 0, 2, 10, 0);
        state.ack(GROUP, a, 1, 1, 1);
        assertEquals(0, state.committed());
        assertEquals(List.of(1L), state.position().ackedAbove());
        state.ack(GROUP, a, 0, 1, 1);
        assertEquals(2, state.committed());
        state.ack(GROUP, a, 0, 1, 1);
        assertEquals(2, state.committed(), "a repeated ack is harmless");
        assertEquals(List.of(), state.position().ackedAbove());
    }

    @Test
    void releaseMakesTheRecordAvailableWithItsDeliveryCountKept() {
        take(a, 0, 1, 10, 0);
        state.release(GROUP, a, 0, 1, "boom", 1);
        assertEquals(0, state.nextCandidate(1, CAP));
        List<ConsumerRecord> again = take(b, 0, 1, 10, 2);
        assertEquals(List.of(0L), offsets(again));
        assertEquals(2, again.get(0).deliveryCount());
        assertEquals("boom", state.lastError(0));
        assertEquals(2, state.position().deliveryCounts().get(0L), "the count above 1 is persisted");
    }

    @Test
    void expiredLockMakesTheRecordAvailableAndFencesTheLateAck() {
        take(a, 0, 0, 10, 0);
        assertEquals(List.of(), offsets(take(b, 0, 0, 10, LOCK - 1)));
        List<ConsumerRecord> taken = take(b, 0, 0, 10, LOCK);
        assertEquals(List.of(0L), offsets(taken));
        assertEquals(2, taken.get(0).deliveryCount());
        assertThrows(FencedMemberException.class, () -> state.ack(GROUP, a, 0, 1, LOCK + 1));
        assertThrows(FencedMemberException.class, () -> state.release(GROUP, a, 0, 1, null, LOCK + 1));
        assertThrows(FencedMemberException.class, () -> state.renew(GROUP, a, 0, 1, LOCK + 1, LOCK * 3));
        assertEquals(1, state.lockedCount(), "the fenced calls changed nothing");
        state.ack(GROUP, b, 0, 2, LOCK + 2);
        assertEquals(1, state.committed());
    }

    @Test
    void lateAckOfARecordAnotherMemberRetookAndAckedIsFenced() {
        take(a, 0, 0, 10, 0);
        take(b, 0, 0, 10, LOCK);
        state.ack(GROUP, b, 0, 2, LOCK + 1);
        assertThrows(FencedMemberException.class, () -> state.ack(GROUP, a, 0, 1, LOCK + 2));
        state.ack(GROUP, b, 0, 2, LOCK + 2);
        assertEquals(1, state.committed(), "a repeated ack of the settling delivery is harmless");
    }

    @Test
    void ackAfterTheDeadlineIsFencedEvenBeforeAnyoneTookTheRecord() {
        take(a, 0, 0, 10, 0);
        assertThrows(FencedMemberException.class, () -> state.ack(GROUP, a, 0, 1, LOCK));
        assertEquals(0, state.committed());
        assertEquals(0, state.nextCandidate(LOCK, CAP));
    }

    @Test
    void ackOfAnEarlierDeliveryBySameMemberIsFenced() {
        take(a, 0, 0, 10, 0);
        take(a, 0, 0, 10, LOCK);
        assertThrows(FencedMemberException.class, () -> state.ack(GROUP, a, 0, 1, LOCK + 1));
        state.ack(GROUP, a, 0, 2, LOCK + 1);
        assertEquals(1, state.committed());
    }

    @Test
    void renewExtendsTheLockByAnotherTimeout() {
        take(a, 0, 0, 10, 0);
        state.renew(GROUP, a, 0, 1, LOCK - 1, LOCK - 1 + LOCK);
        assertEquals(List.of(), offsets(take(b, 0, 0, 10, LOCK + 10)));
        state.ack(GROUP, a, 0, 1, LOCK + 10);
        assertEquals(1, state.committed());
    }

    @Test
    void inFlightCapLimitsLockedRecords() {
        assertEquals(3, state.take(a, records(TP, 0, 9), 10, 3, 0, LOCK).size());
        assertEquals(-1, state.nextCandidate(1, 3));
        assertEquals(0, state.take(b, records(TP, 3, 9), 10, 3, 1, LOCK).size());
        state.ack(GROUP, a, 1, 1, 2);
        assertEquals(3, state.nextCandidate(2, 3));
        assertEquals(List.of(3L), offsets(state.take(b, records(TP, 3, 9), 10, 3, 2, LOCK)));
    }

    @Test
    void memberThatLeavesReleasesItsLocks() {
        take(a, 0, 1, 10, 0);
        state.releaseAll(a);
        assertEquals(0, state.lockedCount());
        assertEquals(List.of(0L, 1L), offsets(take(b, 0, 1, 10, 1)));
    }

    @Test
    void restartMakesTakenRecordsAvailableWithTheirCounts() {
        take(a, 0, 2, 10, 0);
        state.release(GROUP, a, 1, 1, null, 1);
        take(a, 1, 1, 10, 2);
        state.ack(GROUP, a, 2, 1, 3);
        CommittedPosition persisted = state.position();

        SharedPartitionState restarted = new SharedPartitionState(TP);
        restarted.initialize(persisted, false);
        assertEquals(0, restarted.nextCandidate(0, CAP));
        List<ConsumerRecord> again = restarted.take(b, records(TP, 0, 5), 10, CAP, 0, LOCK);
        assertEquals(List.of(0L, 1L, 3L, 4L, 5L), offsets(again));
        assertEquals(List.of(2, 3, 1, 1, 1), again.stream().map(ConsumerRecord::deliveryCount).toList());
        assertTrue(restarted.position().highestDelivered() >= 5);
    }
}
