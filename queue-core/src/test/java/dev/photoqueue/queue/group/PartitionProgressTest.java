package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.photoqueue.queue.group.LogReads.records;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One partition's progress in a group: the committed position is the first unacked record, acks
 * above it are remembered and skipped when the tail is delivered again, redeliveries keep offset
 * order and count deliveries, and only the owner's acks count.
 */
class PartitionProgressTest {

    private static final String GROUP = "g";
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private PartitionProgress progress;
    private Member a;
    private Member b;

    @BeforeEach
    void setUp() {
        progress = new PartitionProgress(TP);
        progress.initialize(CommittedPosition.at(0), false);
        a = member("a");
        b = member("b");
        progress.transferTo(a);
    }

    private static Member member(String id) {
        return new Member(id, GroupConsumerConfig.builder(GROUP).build(), Set.of(TP.topic()), 0);
    }

    private List<ConsumerRecord> deliver(Member member, long from, long to) {
        return progress.deliver(member, from, records(TP, from, to), false, true);
    }

    private static List<Long> offsets(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }

    private static List<Integer> deliveryCounts(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::deliveryCount).toList();
    }

    @Test
    void committedIsTheFirstUnackedRecordWhenAcksComeOutOfOrder() {
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(deliver(a, 0, 4)));
        progress.ack(GROUP, a, 2);
        progress.ack(GROUP, a, 4);
        assertEquals(new CommittedPosition(0, List.of(2L, 4L)), progress.position().withoutDeliveryState());
        progress.ack(GROUP, a, 0);
        assertEquals(new CommittedPosition(1, List.of(2L, 4L)), progress.position().withoutDeliveryState());
        progress.ack(GROUP, a, 1);
        assertEquals(new CommittedPosition(3, List.of(4L)), progress.position().withoutDeliveryState(), "the ack of 1 also settles 2");
        progress.ack(GROUP, a, 3);
        assertEquals(new CommittedPosition(5, List.of()), progress.position().withoutDeliveryState());
    }

    @Test
    void ackingTwiceOrBelowTheCommittedPositionChangesNothing() {
        deliver(a, 0, 3);
        progress.ack(GROUP, a, 0);
        progress.ack(GROUP, a, 2);
        progress.ack(GROUP, a, 0);
        progress.ack(GROUP, a, 2);
        assertEquals(new CommittedPosition(1, List.of(2L)), progress.position().withoutDeliveryState());
    }

    @Test
    void anAckOfARecordNotYetHandedOutSettlesNothing() {
        deliver(a, 0, 1);
        progress.ack(GROUP, a, 5);
        assertEquals(new CommittedPosition(0, List.of()), progress.position().withoutDeliveryState());
        assertEquals(List.of(2L, 3L, 4L, 5L), offsets(deliver(a, 2, 5)), "record 5 is still handed out");
    }

    @Test
    void aNewOwnerGetsTheUnackedTailInOrderWithoutTheRecordsAckedAboveIt() {
        deliver(a, 0, 5);
        progress.ack(GROUP, a, 1);
        progress.ack(GROUP, a, 3);
        progress.transferTo(b);
        assertEquals(0, progress.nextFetch());
        List<ConsumerRecord> again = deliver(b, 0, 7);
        assertEquals(List.of(0L, 2L, 4L, 5L, 6L, 7L), offsets(again));
        assertEquals(List.of(2, 2, 2, 2, 1, 1), deliveryCounts(again), "6 and 7 are first deliveries");
    }

    @Test
    void deliveryCountGrowsWithEachRedelivery() {
        deliver(a, 0, 1);
        progress.transferTo(b);
        deliver(b, 0, 1);
        progress.transferTo(a);
        List<ConsumerRecord> third = deliver(a, 0, 2);
        assertEquals(List.of(3, 3, 1), deliveryCounts(third));
    }

    @Test
    void recordsAckedAboveAreSkippedAlsoWhenTheNewOwnerTakesTheTailInSmallReads() {
        deliver(a, 0, 3);
        progress.ack(GROUP, a, 1);
        progress.ack(GROUP, a, 2);
        progress.transferTo(b);
        assertEquals(List.of(0L), offsets(deliver(b, 0, 0)), "a read of one record, as max.poll.records=1 makes it");
        progress.ack(GROUP, b, 0);
        assertEquals(3, progress.committed(), "the ack of 0 settles 1 and 2, acked before");
        long next = progress.nextFetch();
        List<ConsumerRecord> rest = deliver(b, next, 4);
        assertEquals(List.of(3L, 4L), offsets(rest), "records 1 and 2 were acked and must not be handed out again");
    }

    @Test
    void aReadFromAStalePositionOrByANonOwnerHandsOutNothing() {
        deliver(a, 0, 2);
        assertNull(deliver(a, 0, 2), "the position moved to 3 meanwhile");
        assertNull(progress.deliver(b, 3, records(TP, 3, 4), false, true), "b does not own the partition");
        assertEquals(3, progress.nextFetch());
    }

    @Test
    void anAckFromAMemberThatNoLongerOwnsThePartitionIsFencedAndChangesNothing() {
        deliver(a, 0, 2);
        progress.ack(GROUP, a, 0);
        progress.transferTo(b);
        FencedMemberException e = assertThrows(FencedMemberException.class, () -> progress.ack(GROUP, a, 1));
        assertEquals(TP, e.topicPartition());
        assertEquals("a", e.memberId());
        assertTrue(e.getMessage().contains("owned by b"), e.getMessage());
        assertEquals(new CommittedPosition(1, List.of()), progress.position().withoutDeliveryState());
        assertEquals(List.of(1L, 2L), offsets(deliver(b, 1, 2)));
    }

    @Test
    void anAckFromARemovedMemberIsFencedEvenBeforeThePartitionMoves() {
        deliver(a, 0, 1);
        a.removed = true;
        a.removedBecause = "no heartbeat";
        FencedMemberException e = assertThrows(FencedMemberException.class, () -> progress.ack(GROUP, a, 0));
        assertTrue(e.getMessage().contains("no heartbeat"), e.getMessage());
        assertEquals(0, progress.committed());
    }

    @Test
    void theOwnerBeingRevokedMayStillFinishItsRecords() {
        deliver(a, 0, 1);
        progress.requestRevocation(b);
        progress.ack(GROUP, a, 0);
        progress.ack(GROUP, a, 1);
        assertSame(b, progress.completeRevocation());
        assertEquals(2, progress.nextFetch(), "the new owner starts after what the old one finished");
        assertEquals(List.of(2L), offsets(deliver(b, 2, 2)));
    }

    @Test
    void atMostOnceCommitsWhatItHandsOut() {
        List<ConsumerRecord> out = progress.deliver(a, 0, records(TP, 0, 4), true, true);
        assertEquals(5, out.size());
        assertEquals(new CommittedPosition(5, List.of()), progress.position().withoutDeliveryState());
        progress.transferTo(b);
        assertEquals(5, progress.nextFetch(), "nothing handed out is delivered again");
    }

    @Test
    void resetMovesThePositionBackForReplayAndForgetsAcks() {
        deliver(a, 0, 5);
        progress.ack(GROUP, a, 0);
        progress.ack(GROUP, a, 4);
        progress.reset(0);
        assertEquals(new CommittedPosition(0, List.of()), progress.position());
        assertEquals(0, progress.nextFetch());
        List<ConsumerRecord> replay = deliver(a, 0, 5);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), offsets(replay), "every record is delivered again, 4 too");
    }

    @Test
    void resetForwardSkipsTheRecordsBeforeTheNewPosition() {
        deliver(a, 0, 2);
        progress.reset(10);
        assertEquals(10, progress.nextFetch());
        progress.ack(GROUP, a, 1);
        assertEquals(new CommittedPosition(10, List.of()), progress.position().withoutDeliveryState(), "an ack below the new position is moot");
    }

    @Test
    void skipToMovesOnlyForwardPastRecordsTheLogNoLongerHas() {
        progress.skipTo(0);
        assertEquals(0, progress.committed());
        progress.skipTo(7);
        assertEquals(7, progress.committed());
        assertEquals(7, progress.nextFetch());
        progress.skipTo(3);
        assertEquals(7, progress.committed(), "skipTo never moves the position back");
    }

    /** What the coordinator does: take the pending position and, its write done, mark it durable. */
    private static CommittedPosition persist(PartitionProgress p) {
        PendingPosition pending = p.pendingPosition();
        if (pending == null) {
            return null;
        }
        p.persisted(pending.version());
        return pending.position();
    }

    @Test
    void aPositionStaysPendingUntilItsWriteIsMarkedDurable() {
        deliver(a, 0, 2);
        progress.ack(GROUP, a, 0);
        PendingPosition first = progress.pendingPosition();
        assertNotNull(first);
        assertEquals(first, progress.pendingPosition(), "taking it does not mark it clean: its write may fail");
        progress.ack(GROUP, a, 1);
        progress.persisted(first.version());
        PendingPosition second = progress.pendingPosition();
        assertNotNull(second, "a change made while the first write was under way is still pending");
        assertEquals(2, second.position().offset());
        progress.persisted(second.version());
        assertNull(progress.pendingPosition());
        progress.persisted(first.version());
        assertNull(progress.pendingPosition(), "a late completion of an older write changes nothing");
    }

    @Test
    void dirtyPositionIsTakenOnceUntilItChangesAgain() {
        assertNull(persist(progress), "initialized without asking to persist");
        deliver(a, 0, 1);
        progress.ack(GROUP, a, 0);
        assertEquals(CommittedPosition.at(1), persist(progress).withoutDeliveryState());
        assertNull(persist(progress));
        progress.ack(GROUP, a, 0);
        assertNull(persist(progress), "a repeated ack changes nothing to persist");
    }

    @Test
    void initializeKeepsAPositionAlreadySet() {
        progress.initialize(CommittedPosition.at(42), true);
        assertEquals(0, progress.committed());
        PartitionProgress fresh = new PartitionProgress(TP);
        assertFalse(fresh.isInitialized());
        fresh.initialize(new CommittedPosition(4, List.of(6L)), true);
        assertEquals(new CommittedPosition(4, List.of(6L)), persist(fresh));
    }

    @Test
    void ackOfAnEarlierDeliveryIsFencedOnceTheRecordWasDeliveredAgain() {
        List<ConsumerRecord> first = deliver(a, 0, 2);
        progress.transferTo(b);
        progress.transferTo(a);
        List<ConsumerRecord> second = deliver(a, 0, 2);
        assertEquals(List.of(2, 2, 2), second.stream().map(ConsumerRecord::deliveryCount).toList());
        FencedMemberException e = assertThrows(FencedMemberException.class,
                () -> progress.ack(GROUP, a, 1, first.get(1).deliveryCount()));
        assertTrue(e.getMessage().contains("delivered again"), e.getMessage());
        assertEquals(0, progress.committed(), "the stale ack changed nothing");
        progress.ack(GROUP, a, 0, second.get(0).deliveryCount());
        assertEquals(1, progress.committed());
    }

    @Test
    void deliveryStateIsPartOfThePositionAndCountingContinuesFromIt() {
        deliver(a, 0, 3);
        progress.transferTo(b);
        deliver(b, 0, 1);
        progress.ack(GROUP, b, 0);
        CommittedPosition persisted = persist(progress);
        assertEquals(new CommittedPosition(1, List.of(), 3, java.util.Map.of(1L, 2)), persisted);

        PartitionProgress restarted = new PartitionProgress(TP);
        restarted.initialize(persisted, false);
        restarted.transferTo(a);
        List<ConsumerRecord> again = restarted.deliver(a, 1, records(TP, 1, 5), false, true);
        assertEquals(List.of(3, 2, 2, 1, 1), deliveryCounts(again), "1 was delivered twice, 2 and 3 once, 4 and 5 never");
    }

    @Test
    void deliveringMarksThePositionDirtySoTheCountsArePersistedBeforeHandOut() {
        persist(progress);
        deliver(a, 0, 1);
        CommittedPosition position = persist(progress);
        assertNotNull(position, "a delivery changed what must be persisted");
        assertEquals(1, position.highestDelivered());
    }

    @Test
    void releaseRewindsToTheRecordAndPausesThePartitionUntilTheGivenTime() {
        deliver(a, 0, 4);
        progress.ack(GROUP, a, 0);
        progress.release(GROUP, a, 2, 1, "boom", 1_000);
        assertEquals(2, progress.nextFetch(), "the partition continues from the released record");
        assertTrue(progress.isPausedAt(999));
        assertFalse(progress.isPausedAt(1_000));
        assertEquals("boom", progress.lastError(2));
        progress.ack(GROUP, a, 3, 1);
        List<ConsumerRecord> again = deliver(a, 2, 4);
        assertEquals(List.of(2L, 3L, 4L), offsets(again), "the ack of 3 came after the rewind: nothing to settle");
        assertEquals(List.of(2, 1, 1), deliveryCounts(again), "3 was handed out behind 2: the release gave it back");
        assertEquals(1, progress.committed(), "1 is still not acked");
    }

    @Test
    void releaseOfARecordDoneOrNotOwnedChangesNothingOrIsFenced() {
        deliver(a, 0, 2);
        progress.ack(GROUP, a, 0);
        progress.release(GROUP, a, 0, 1, null, Long.MAX_VALUE);
        assertEquals(3, progress.nextFetch(), "releasing a record already done changes nothing");
        assertThrows(FencedMemberException.class, () -> progress.release(GROUP, b, 1, 1, null, 0));
    }

    @Test
    void ackClearsTheDeliveryStateOfSettledRecordsAndResetStartsCountingAfresh() {
        deliver(a, 0, 2);
        progress.transferTo(a);
        deliver(a, 0, 2);
        progress.ack(GROUP, a, 0);
        progress.ack(GROUP, a, 1);
        assertEquals(java.util.Map.of(2L, 2), progress.position().deliveryCounts());
        progress.reset(0);
        assertEquals(List.of(1, 1, 1), deliveryCounts(deliver(a, 0, 2)), "a replay counts from 1");
    }
}
