package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An ORDERED-mode consumer's handle on its membership: what a group consumer of any storage calls
 * to learn its partitions, to take records it read, and to ack them. Each call is a heartbeat.
 * Used by one thread, the consumer's.
 */
public final class MemberSession extends GroupSession {

    MemberSession(GroupCoordinator coordinator, Group group, Member member) {
        super(coordinator, group, member);
    }

    /** What changed for this member since the last call. */
    public AssignmentChange sync() {
        heartbeat();
        return group.sync(member);
    }

    /** After the revoke callback ran: the partitions go to their next owners. */
    public void confirmRevoked(Collection<TopicPartition> partitions) {
        heartbeat();
        group.confirmRevoked(member, partitions);
        coordinator.afterOwnershipChange(group);
    }

    /** The partitions to read now. */
    public List<TopicPartition> fetchable() {
        return group.fetchable(member);
    }

    /** Where to read the partition from next. */
    public long nextFetch(TopicPartition tp) {
        return group.progress(tp).nextFetch();
    }

    /**
     * Takes records read from {@code fromOffset} of {@code tp} and returns the ones to hand out,
     * with delivery counts; empty when the read went stale. Under at-most-once they are committed,
     * and the commit persisted, before this returns.
     */
    public List<ConsumerRecord> deliver(TopicPartition tp, long fromOffset, List<ConsumerRecord> fetched) {
        heartbeat();
        boolean atMostOnce = member.config.delivery() == DeliveryGuarantee.AT_MOST_ONCE;
        // The counts are made durable so that a record that kills its consumer still reaches the
        // maximum across restarts; with no maximum a delivery alone is no change worth a write
        // (the redrive group lists its dead letters every few seconds and must not write each time).
        boolean countDurably = member.config.maxDeliveries() != GroupConsumerConfig.UNLIMITED_DELIVERIES;
        PartitionProgress progress = group.progress(tp);
        long committedBefore = progress.committed();
        List<ConsumerRecord> out = progress.deliver(member, fromOffset, fetched, atMostOnce, countDurably);
        if (out == null) {
            return List.of();
        }
        if (atMostOnce && !out.isEmpty()) {
            try {
                // Forced: a power loss must not take back a commit that let the records go.
                coordinator.persistNow(group, true);
            } catch (RuntimeException e) {
                // Not handed out: they must not count as done, nor as delivered.
                progress.takeBack(member, fromOffset, committedBefore);
                throw e;
            }
        }
        return out;
    }

    /**
     * Settles delivery {@code deliveryCount} of the record at {@code offset} (0: any delivery).
     * {@link FencedMemberException} when the partition moved away from this member, or the record
     * was delivered again since.
     */
    @Override
    public void ack(TopicPartition tp, long offset, int deliveryCount) {
        heartbeat();
        PartitionProgress p = existing(tp);
        p.ack(group.groupId, member, offset, deliveryCount);
    }

    /**
     * Fails like {@link #ack} would (fenced), and returns false when the record is done already or
     * not handed out at the current position; changes nothing.
     */
    public boolean checkOutstanding(TopicPartition tp, long offset, int deliveryCount) {
        heartbeat();
        PartitionProgress p = existing(tp);
        return p.checkOutstanding(group.groupId, member, offset, deliveryCount);
    }

    /**
     * Settles {@code records} (each a delivery this member holds) as done together with
     * {@code commitPoint}, the durable write that decides a transaction: each delivery is checked
     * first, then {@code commitPoint} runs, then the records count as done, all under the group
     * lock, so no rebalance or expiry can hand a record to another member in between. When a check
     * or {@code commitPoint} fails, nothing changed. {@link FencedMemberException} for a delivery
     * that is not current: its partition moved, it was delivered again since, or it is done
     * already or no longer outstanding (a reset moved the position).
     */
    public void ackAtomically(List<ConsumerRecord> records, Runnable commitPoint) {
        heartbeat();
        synchronized (group) {
            List<PartitionProgress> progress = new ArrayList<>(records.size());
            for (ConsumerRecord r : records) {
                PartitionProgress p = group.progress.get(r.topicPartition());
                if (p == null || !p.checkOutstanding(group.groupId, member, r.offset(), r.deliveryCount())) {
                    throw new FencedMemberException(group.groupId, member.memberId, r.topicPartition(), "offset "
                            + r.offset() + " is not an outstanding delivery of this member (done already, or "
                            + "the position was reset); the transaction changed nothing");
                }
                progress.add(p);
            }
            commitPoint.run();
            for (int i = 0; i < records.size(); i++) {
                progress.get(i).markDone(records.get(i).offset());
            }
        }
    }

    /** The progress on {@code tp} of a record to settle; fenced when the group has none. */
    private PartitionProgress existing(TopicPartition tp) {
        PartitionProgress p = group.progress.get(tp);
        if (p == null) {
            throw new FencedMemberException(group.groupId, member.memberId, tp, "the group has no such partition");
        }
        return p;
    }

    /** The log no longer has the records from {@code nextFetch}: continue at {@code offset}. */
    @Override
    public void skipTo(TopicPartition tp, long offset) {
        group.progress(tp).skipTo(offset);
    }

    /** The log ends before {@code nextFetch} (its tail was lost): continue at its end. */
    public void rewindTo(TopicPartition tp, long endOffset) {
        group.progress(tp).reset(endOffset);
    }

    /**
     * Undoes {@link #deliver} from {@code fromOffset} of {@code tp} on, for records that were not
     * handed out after all: their delivery counts could not be persisted.
     */
    public void takeBack(TopicPartition tp, long fromOffset) {
        group.progress(tp).takeBack(member, fromOffset, -1);
    }

    /**
     * Persists the delivery counts of the records {@link #deliver} took since the last call, with
     * the rest of the group's changed positions, before they are handed out: a crash while they
     * are processed then still counts their delivery. One write for a whole poll.
     */
    public void persistDeliveries() {
        coordinator.persistNow(group);
    }

    /**
     * Hands a delivered record back undone: the partition continues from it, after a backoff
     * computed from {@code deliveryCount}; {@code error} (may be null) goes with its dead letter
     * should it reach the maximum. Fenced like {@link #ack}.
     */
    public void release(TopicPartition tp, long offset, int deliveryCount, String error) {
        heartbeat();
        PartitionProgress p = existing(tp);
        RetryBackoff backoff = new RetryBackoff(member.config.retryBackoffMs(), member.config.retryBackoffMaxMs());
        long delayMs = backoff.delayMs(Math.max(1, deliveryCount), java.util.concurrent.ThreadLocalRandom.current()
                .nextDouble());
        p.release(group.groupId, member, offset, deliveryCount, error,
                coordinator.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(delayMs));
    }

    /** Nanoseconds until a released record of {@code tp} may be delivered again; 0 when it is not held back. */
    public long pausedForNanos(TopicPartition tp) {
        PartitionProgress p = group.progress(tp);
        long now = coordinator.nanoTime();
        return p.isPausedAt(now) ? Math.max(1, p.pausedUntilNanos() - now) : 0;
    }

    /** The error the last release of the record at {@code offset} gave, or null. */
    @Override
    public String lastError(TopicPartition tp, long offset) {
        return group.progress(tp).lastError(offset);
    }

    /** As {@link #commitSync}, forced to disk whatever {@code internal.fsync} says (a transaction's positions). */
    public void commitSyncForced() {
        heartbeat();
        coordinator.persistNow(group, true);
    }

    /** Leaves the group; the partitions move to the others at once. Positions are persisted first. */
    @Override
    public void leave() {
        coordinator.persistNow(group);
        coordinator.remove(group, member, "left the group");
    }
}
