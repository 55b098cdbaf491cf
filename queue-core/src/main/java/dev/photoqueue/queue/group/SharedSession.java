package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A SHARED-mode consumer's handle on its membership: which record to read next, taking records
 * under locks, and settling them. Each call is a heartbeat; a member removed for silence loses its
 * locks. Used by one thread, the consumer's.
 */
public final class SharedSession extends GroupSession {

    SharedSession(GroupCoordinator coordinator, Group group, Member member) {
        super(coordinator, group, member);
    }

    private SharedPartitionState state(TopicPartition tp) {
        return group.shared(tp, member);
    }

    /** The offset to read {@code tp} from to find an available record; -1 when its in-flight cap is reached. */
    public long nextCandidate(TopicPartition tp) {
        return state(tp).nextCandidate(heartbeat(), member.config.maxInFlightPerPartition());
    }

    /**
     * Locks available records of {@code fetched} (read from {@link #nextCandidate}) to this member
     * for the visibility timeout and returns them with their delivery counts; at most {@code max}.
     */
    public List<ConsumerRecord> take(TopicPartition tp, List<ConsumerRecord> fetched, int max) {
        long now = heartbeat();
        return state(tp).take(member, fetched, max, member.config.maxInFlightPerPartition(), now,
                now + TimeUnit.MILLISECONDS.toNanos(member.config.visibilityTimeoutMs()));
    }

    /** Gives back what {@link #take} locked, when it could not be handed out after all. */
    public void untake(TopicPartition tp, List<ConsumerRecord> taken) {
        state(tp).untake(member, taken);
    }

    /**
     * Persists the delivery counts of what was taken, before it is handed out; under at-most-once,
     * forced, since it is also the commit that lets the records go.
     */
    public void persistDeliveries() {
        coordinator.persistNow(group, member.config.delivery() == DeliveryGuarantee.AT_MOST_ONCE);
    }

    /** Marks the record done. {@link FencedMemberException} unless this member holds its lock. */
    @Override
    public void ack(TopicPartition tp, long offset, int deliveryCount) {
        long now = heartbeat();
        state(tp).ack(group.groupId, member, offset, deliveryCount, now);
    }

    /** Unlocks the record, available again with its delivery count kept. Fenced like {@link #ack}. */
    public void release(TopicPartition tp, long offset, int deliveryCount, String error) {
        long now = heartbeat();
        state(tp).release(group.groupId, member, offset, deliveryCount, error, now);
    }

    /** Extends the lock by another visibility timeout from now. Fenced like {@link #ack}. */
    public void renew(TopicPartition tp, long offset, int deliveryCount) {
        long now = heartbeat();
        state(tp).renew(group.groupId, member, offset, deliveryCount, now,
                now + TimeUnit.MILLISECONDS.toNanos(member.config.visibilityTimeoutMs()));
    }

    /** Fenced like {@link #ack}; false when the record is done already. Changes nothing. */
    public boolean checkHolds(TopicPartition tp, long offset, int deliveryCount) {
        long now = heartbeat();
        return state(tp).checkHolds(group.groupId, member, offset, deliveryCount, now);
    }

    /** The error the last release of the record gave, or null. */
    @Override
    public String lastError(TopicPartition tp, long offset) {
        return state(tp).lastError(offset);
    }

    /** The log no longer has records below {@code startOffset}: they count as done. */
    @Override
    public void skipTo(TopicPartition tp, long startOffset) {
        state(tp).skipTo(startOffset);
    }

    /** Leaves the group; its locked records are available to the others at once. */
    @Override
    public void leave() {
        coordinator.remove(group, member, "left the group");
        coordinator.persistNow(group);
    }
}
