package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.AutoOffsetReset;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The coordinator over an in-memory store and fixed topics, with a clock the test moves: members
 * join, leave and expire; a partition taken from a live owner moves only once that owner confirms;
 * positions are persisted at ownership changes and loaded again at start.
 */
class GroupCoordinatorTest {

    private static final String GROUP = "g";
    private static final String TOPIC = "t";

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final FixedPartitionSource source = new FixedPartitionSource().topic(TOPIC, 4, 100);
    private InMemoryGroupStateStore store = new InMemoryGroupStateStore();
    private GroupCoordinator coordinator;

    @AfterEach
    void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private GroupCoordinator start() {
        coordinator = new GroupCoordinator(source, store, wakeUps::incrementAndGet, nanos::get);
        return coordinator;
    }

    private static GroupConsumerConfig.Builder config(String clientId) {
        return GroupConsumerConfig.builder(GROUP).clientId(clientId).sessionTimeoutMs(1000);
    }

    private MemberSession join(String clientId) {
        return coordinator.join(config(clientId).build(), List.of(TOPIC));
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static TopicPartition tp(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    private static List<ConsumerRecord> records(TopicPartition tp, long from, long to) {
        List<ConsumerRecord> out = new ArrayList<>();
        for (long o = from; o <= to; o++) {
            out.add(new ConsumerRecord(tp.topic(), tp.partition(), o, o, null,
                    ("v" + o).getBytes(StandardCharsets.UTF_8), List.of()));
        }
        return out;
    }

    private static List<Long> offsets(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::offset).toList();
    }

    /** Waits for something the coordinator's background thread does; fails after 60 s (a loaded machine may stall it). */
    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void aFirstMemberGetsEveryPartitionFromTheLogStartAndThoseStartsArePersisted() {
        source.start(tp(2), 40);
        start();
        MemberSession a = join("a");
        AssignmentChange change = a.sync();
        assertEquals(List.of(tp(0), tp(1), tp(2), tp(3)), change.assigned());
        assertEquals(List.of(), change.revoked());
        assertEquals(40, a.nextFetch(tp(2)));
        assertEquals(0, a.nextFetch(tp(0)));
        assertEquals(CommittedPosition.at(40), store.persisted(GROUP, tp(2)), "persisted at once");
        assertEquals(AssignmentChange.NONE, a.sync(), "told once");
        assertTrue(wakeUps.get() > 0, "waiting readers are woken at an ownership change");
    }

    @Test
    void latestStartsANewGroupAtTheEndOfTheLog() {
        start();
        MemberSession a = coordinator.join(config("a").autoOffsetReset(AutoOffsetReset.LATEST).build(), List.of(TOPIC));
        a.sync();
        assertEquals(100, a.nextFetch(tp(1)));
        assertEquals(CommittedPosition.at(100), store.persisted(GROUP, tp(1)));
    }

    @Test
    void joiningAnUnknownTopicFailsAndAddsNoMember() {
        start();
        assertThrows(UnknownTopicException.class,
                () -> coordinator.join(config("a").build(), List.of("missing")));
        assertThrows(UnknownGroupException.class, () -> coordinator.describe(GROUP));
    }

    @Test
    void aPartitionTakenFromALiveOwnerMovesOnlyAfterTheOwnerConfirms() {
        start();
        MemberSession a = join("a");
        a.sync();
        for (int p = 0; p < 4; p++) {
            a.deliver(tp(p), 0, records(tp(p), 0, 2));
        }
        MemberSession b = join("b");
        assertEquals(AssignmentChange.NONE, b.sync(), "b gets nothing while a still holds the partitions");
        assertEquals(List.of(), b.fetchable());

        AssignmentChange revoke = a.sync();
        assertEquals(2, revoke.revoked().size());
        assertEquals(List.of(), revoke.assigned());
        Set<TopicPartition> kept = new TreeSet<>(a.fetchable());
        assertEquals(2, kept.size(), "a stops reading the revoked partitions but keeps the others flowing");
        kept.forEach(tp -> assertFalse(revoke.revoked().contains(tp)));

        TopicPartition moving = revoke.revoked().get(0);
        a.ack(moving, 0, 0);
        a.ack(moving, 1, 0);
        assertEquals(AssignmentChange.NONE, b.sync(), "still nothing for b before the confirmation");

        a.confirmRevoked(revoke.revoked());
        AssignmentChange gained = b.sync();
        assertEquals(revoke.revoked(), gained.assigned());
        assertEquals(2, b.nextFetch(moving), "b starts after the records a finished while being revoked");
        assertEquals(CommittedPosition.at(2), store.persisted(GROUP, moving).withoutDeliveryState(), "persisted at the ownership change");
        List<ConsumerRecord> again = b.deliver(moving, 2, records(moving, 2, 3));
        assertEquals(List.of(2L, 3L), offsets(again));
        assertEquals(2, again.get(0).deliveryCount(), "a had it and did not ack it");
        assertThrows(FencedMemberException.class, () -> a.ack(moving, 2, 0));
        assertEquals(AssignmentChange.NONE, a.sync());
    }

    @Test
    void aRevocationCancelledAfterTheOwnerGaveThePartitionUpHandsItBackFromTheCommittedPosition() {
        start();
        MemberSession a = join("a");
        a.sync();
        for (int p = 0; p < 4; p++) {
            a.deliver(tp(p), 0, records(tp(p), 0, 4));
        }
        MemberSession b = join("b");
        AssignmentChange revoke = a.sync();
        TopicPartition moving = revoke.revoked().get(0);
        a.ack(moving, 0, 0);
        // a's revoke callback runs and gives up records 1..4; meanwhile b leaves, so the partition stays with a.
        b.leave();
        a.confirmRevoked(revoke.revoked());

        AssignmentChange back = a.sync();
        Set<TopicPartition> reassigned = new TreeSet<>(back.assigned());
        assertEquals(new TreeSet<>(revoke.revoked()), reassigned,
                "a ran its revoke callback, so it must be told it owns the partitions again");
        assertEquals(1, a.nextFetch(moving), "the records a gave up are delivered again");
        assertEquals(List.of(1L, 2L), offsets(a.deliver(moving, 1, records(moving, 1, 2))));
    }

    @Test
    void aLeavingMemberPersistsItsPositionsAndItsPartitionsMoveAtOnce() {
        start();
        MemberSession a = join("a");
        a.sync();
        MemberSession b = join("b");
        List<TopicPartition> moved = a.sync().revoked();
        a.confirmRevoked(moved);
        b.sync();
        TopicPartition tpOfB = moved.get(0);
        b.deliver(tpOfB, 0, records(tpOfB, 0, 9));
        b.ack(tpOfB, 0, 0);
        b.ack(tpOfB, 1, 0);
        b.ack(tpOfB, 5, 0);

        b.leave();
        assertTrue(b.isRemoved());
        assertEquals(new CommittedPosition(2, List.of(5L)), store.persisted(GROUP, tpOfB).withoutDeliveryState());
        AssignmentChange gained = a.sync();
        assertEquals(moved, gained.assigned(), "no revocation needed: the owner is gone");
        assertEquals(2, a.nextFetch(tpOfB));
        assertEquals(List.of(2L, 3L, 4L, 6L), offsets(a.deliver(tpOfB, 2, records(tpOfB, 2, 6))));
        assertThrows(FencedMemberException.class, () -> b.ack(tpOfB, 2, 0));
        assertEquals(1, coordinator.describe(GROUP).members().size());
    }

    @Test
    void aSilentMemberExpiresAfterItsSessionTimeoutAndItsUnackedRecordsGoToTheOthers() {
        start();
        MemberSession a = join("a");
        a.sync();
        MemberSession b = join("b");
        List<TopicPartition> toB = a.sync().revoked();
        a.confirmRevoked(toB);
        b.sync();
        TopicPartition tpOfA = a.fetchable().get(0);
        a.deliver(tpOfA, 0, records(tpOfA, 0, 4));
        a.ack(tpOfA, 0, 0);
        a.ack(tpOfA, 1, 0);

        advanceMillis(600);
        b.sync();
        advanceMillis(600);
        b.sync();
        awaitTrue(a::isRemoved, "a, silent for 1200 ms with a 1000 ms session timeout, is removed");
        assertFalse(b.isRemoved(), "b heartbeat 0 ms ago");

        FencedMemberException e = assertThrows(FencedMemberException.class, () -> a.ack(tpOfA, 2, 0));
        assertTrue(e.getMessage().contains("no heartbeat"), e.getMessage());
        AssignmentChange lost = a.sync();
        assertEquals(2, lost.lost().size());
        assertTrue(lost.lost().contains(tpOfA));

        AssignmentChange gained = b.sync();
        assertTrue(gained.assigned().contains(tpOfA));
        assertEquals(4, b.fetchable().size());
        List<ConsumerRecord> again = b.deliver(tpOfA, b.nextFetch(tpOfA), records(tpOfA, 2, 5));
        assertEquals(List.of(2L, 3L, 4L, 5L), offsets(again));
        assertEquals(List.of(2, 2, 2, 1), again.stream().map(ConsumerRecord::deliveryCount).toList());
        // the expiry persists the position after the removal is visible, on the coordinator's thread
        awaitTrue(() -> CommittedPosition.at(2).equals(store.persisted(GROUP, tpOfA).withoutDeliveryState()),
                "a's acks of 0 and 1 persisted at the ownership change: position 2");
    }

    @Test
    void aMemberThatKeepsCallingIsNotExpiredHoweverLongItRuns() {
        start();
        MemberSession busy = join("busy");
        MemberSession silent = join("silent");
        for (int i = 0; i < 10; i++) {
            advanceMillis(900);
            busy.sync();
        }
        // The silent member's expiry shows the check ran against the moved clock.
        awaitTrue(silent::isRemoved, "the silent member is removed");
        assertFalse(busy.isRemoved(), "9 s of calls, never 1000 ms apart");
        busy.sync();
        assertEquals(4, busy.fetchable().size());
    }

    @Test
    void persistedPositionsAreLoadedAtStartAndAckedAboveRecordsAreSkipped() {
        store = new InMemoryGroupStateStore()
                .with(GROUP, tp(0), new CommittedPosition(5, List.of(7L)))
                .with(GROUP, tp(1), CommittedPosition.at(30))
                .with("other", tp(0), CommittedPosition.at(99));
        start();
        assertEquals(Set.of(GROUP, "other"), coordinator.groupIds(), "groups with positions but no members");
        GroupDescription described = coordinator.describe(GROUP);
        assertEquals(0, described.members().size());
        assertEquals(95 + 70, described.totalLag());

        MemberSession a = join("a");
        a.sync();
        assertEquals(5, a.nextFetch(tp(0)));
        assertEquals(30, a.nextFetch(tp(1)));
        assertEquals(0, a.nextFetch(tp(2)), "no position persisted: from the log start");
        assertEquals(List.of(5L, 6L, 8L), offsets(a.deliver(tp(0), 5, records(tp(0), 5, 8))));
        a.ack(tp(0), 5, 0);
        a.ack(tp(0), 6, 0);
        assertEquals(8, coordinator.describe(GROUP).partitions().get(0).committed());
    }

    @Test
    void rangeAssignmentFollowsTheNewestMembersConfiguration() {
        start();
        MemberSession a = coordinator.join(config("a").assignor(Assignor.RANGE).build(), List.of(TOPIC));
        a.sync();
        MemberSession b = coordinator.join(config("b").assignor(Assignor.RANGE).build(), List.of(TOPIC));
        AssignmentChange revoke = a.sync();
        assertEquals(List.of(tp(2), tp(3)), revoke.revoked(), "range: a-1 keeps 0 and 1, b-2 takes 2 and 3");
        a.confirmRevoked(revoke.revoked());
        assertEquals(List.of(tp(2), tp(3)), b.sync().assigned());
    }

    @Test
    void anEmptyGroupJoinedInTheOtherModeStartsWhereTheLastModeStoppedAndFencesItsOldSessions() {
        start();
        SharedSession shared = coordinator.joinShared(config("s").mode(ConsumptionMode.SHARED).build(), List.of(TOPIC));
        TopicPartition p0 = tp(0);
        List<ConsumerRecord> taken = shared.take(p0, records(p0, 0, 3), 4);
        assertEquals(List.of(0L, 1L, 2L, 3L), offsets(taken));
        shared.ack(p0, 0, taken.get(0).deliveryCount());
        shared.ack(p0, 2, taken.get(2).deliveryCount());
        shared.leave();

        MemberSession ordered = join("o");
        assertTrue(ordered.sync().assigned().contains(p0));
        assertEquals(1, ordered.nextFetch(p0), "ORDERED starts at the first record SHARED left undone");
        assertEquals(List.of(1L, 3L), offsets(ordered.deliver(p0, 1, records(p0, 1, 3))), "2 was done in SHARED mode");
        assertThrows(FencedMemberException.class, () -> shared.ack(p0, 1, taken.get(1).deliveryCount()),
                "the removed SHARED member's lock is gone with the mode");
        ordered.ack(p0, 1, 0);
        ordered.commitSync();
        assertEquals(CommittedPosition.at(3), store.persisted(GROUP, p0).withoutDeliveryState(),
                "the ORDERED progress is what is persisted, the late SHARED ack left no state behind");
    }
}
