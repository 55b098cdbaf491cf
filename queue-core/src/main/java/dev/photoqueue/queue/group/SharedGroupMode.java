package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownTopicException;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;

/**
 * SHARED mode: members own no partitions; each partition's live state is a
 * {@link SharedPartitionState}, created at first use from the group's position on it (its
 * {@link PartitionProgress}, loaded at start or set by a reset), or where the member's
 * {@code autoOffsetReset} says. Membership changes release the locks of the member gone and move
 * nothing else. Thread-safe: the states guard themselves.
 */
final class SharedGroupMode implements GroupMode {

    private final Group group;
    private final Map<TopicPartition, SharedPartitionState> states = new ConcurrentSkipListMap<>();

    SharedGroupMode(Group group) {
        this.group = group;
    }

    @Override
    public ConsumptionMode mode() {
        return ConsumptionMode.SHARED;
    }

    /** The state of {@code tp}, created on first use. */
    SharedPartitionState state(TopicPartition tp, Member member) {
        SharedPartitionState state = states.computeIfAbsent(tp, SharedPartitionState::new);
        if (!state.isInitialized()) {
            PartitionProgress loaded = group.progress.get(tp);
            if (loaded != null && loaded.isInitialized()) {
                state.initialize(loaded.position(), false);
            } else {
                state.initialize(CommittedPosition.at(group.startOffset(tp, member)), true);
            }
        }
        return state;
    }

    /**
     * Nothing is assigned: the member takes available records of any partition. But every
     * partition of its topics gets its position now, where the group has none, as an ORDERED
     * member's partitions get theirs when assigned: a member that leaves before it read from some
     * partition (a {@code --max} reached on another) leaves a position there too, so records
     * written to it meanwhile are not skipped by a later "latest".
     */
    @Override
    public void joined(Member member) {
        for (String topic : member.topics) {
            int partitions;
            try {
                partitions = group.source.partitionCount(topic);
            } catch (UnknownTopicException e) {
                continue;
            }
            for (int p = 0; p < partitions; p++) {
                state(new TopicPartition(topic, p), member);
            }
        }
    }

    @Override
    public void removed(Member member) {
        states.values().forEach(state -> state.releaseAll(member));
    }

    /** The shared states first, then the positions of the partitions that have none yet. */
    @Override
    public void forEachState(BiConsumer<TopicPartition, PartitionState> action) {
        states.forEach(action);
        group.progress.forEach((tp, p) -> {
            if (!states.containsKey(tp)) {
                action.accept(tp, p);
            }
        });
    }

    /** The shared state once a member used the partition, else the position it will start from. */
    @Override
    public PartitionState stateOf(TopicPartition tp) {
        SharedPartitionState state = states.get(tp);
        return state != null ? state : group.progress.get(tp);
    }

    /** Partitions without a state yet start from the group's position, reset already. */
    @Override
    public void reset(TopicPartition tp, long offset) {
        SharedPartitionState state = states.get(tp);
        if (state != null) {
            state.initialize(CommittedPosition.at(offset), true);
            state.reset(offset);
        }
    }

    @Override
    public void expireLocks(long nowNanos) {
        states.values().forEach(state -> state.expire(nowNanos));
    }

    @Override
    public Map<TopicPartition, Integer> lockedBy(Member member) {
        Map<TopicPartition, Integer> locked = new TreeMap<>();
        states.forEach((tp, state) -> {
            int n = state.lockedBy(member);
            if (n > 0) {
                locked.put(tp, n);
            }
        });
        return locked;
    }

    /**
     * The group turns ORDERED: each shared state's position becomes the group's position on its
     * partition, persisted, so ORDERED mode starts where SHARED mode stopped (the locks are gone
     * with their members).
     */
    void handOverPositions() {
        states.forEach((tp, state) -> {
            PartitionProgress p = new PartitionProgress(tp);
            p.initialize(state.position(), true);
            group.progress.put(tp, p);
        });
    }
}
