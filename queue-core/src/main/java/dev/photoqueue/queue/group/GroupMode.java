package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What a {@link Group} does that depends on its consumption mode: {@link OrderedGroupMode} assigns
 * partitions to members, {@link SharedGroupMode} locks records to members. A group holds one, and
 * replaces it when a member of the other mode joins it empty. {@link #joined} and {@link #removed}
 * run under the group's monitor; the rest is safe without it.
 */
sealed interface GroupMode permits OrderedGroupMode, SharedGroupMode {

    ConsumptionMode mode();

    /** {@code member} is among the group's members now. */
    void joined(Member member);

    /** {@code member} left or expired: no longer among the group's members, and marked removed. */
    void removed(Member member);

    /** The live state of each partition the group has a position on, the one to persist and describe. */
    void forEachState(BiConsumer<TopicPartition, PartitionState> action);

    /** The live state of {@code tp}, as {@link #forEachState} would give it, or null when it has none. */
    PartitionState stateOf(TopicPartition tp);

    /** The group's position on {@code tp} was reset to {@code offset}: the mode's own state follows. */
    void reset(TopicPartition tp, long offset);

    /** Makes records whose lock deadline passed at {@code nowNanos} available again. */
    void expireLocks(long nowNanos);

    /** How many records {@code member} holds locked, by partition (none locked: absent). */
    Map<TopicPartition, Integer> lockedBy(Member member);
}
