package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.TopicPartition;

/**
 * A consumer's handle on its membership of a group, in either mode: {@link MemberSession}
 * (ORDERED: owned partitions) or {@link SharedSession} (SHARED: records locked one by one). This
 * holds what both share: the member's identity and liveness, settling and skipping records, the
 * commit and leaving. Each call that a consumer makes while it works is a heartbeat. Used by one
 * thread, the consumer's.
 */
public abstract sealed class GroupSession permits MemberSession, SharedSession {

    final GroupCoordinator coordinator;
    final Group group;
    final Member member;

    GroupSession(GroupCoordinator coordinator, Group group, Member member) {
        this.coordinator = coordinator;
        this.group = group;
        this.member = member;
    }

    public final String memberId() {
        return member.memberId;
    }

    public final String groupId() {
        return group.groupId;
    }

    /** True once the member was removed (left, or silent past the session timeout): rejoin. */
    public final boolean isRemoved() {
        return member.removed;
    }

    /** Records that the member is alive now; returns now, on the coordinator's clock. */
    final long heartbeat() {
        long now = coordinator.nanoTime();
        member.lastSeenNanos = now;
        return now;
    }

    /**
     * Settles delivery {@code deliveryCount} of the record at {@code offset} as done (0: any
     * delivery). {@link FencedMemberException} when this member no longer holds the record.
     */
    public abstract void ack(TopicPartition tp, long offset, int deliveryCount);

    /** The error the last release of the record at {@code offset} gave, or null. */
    public abstract String lastError(TopicPartition tp, long offset);

    /** The log no longer has the records of {@code tp} below {@code startOffset} (retention): skip them. */
    public abstract void skipTo(TopicPartition tp, long startOffset);

    /** Persists the group's changed positions and waits for them. */
    public final void commitSync() {
        heartbeat();
        coordinator.persistNow(group);
    }

    /** Leaves the group: what the member held goes to the others at once. */
    public abstract void leave();
}
