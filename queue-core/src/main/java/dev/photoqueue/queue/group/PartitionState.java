package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

/**
 * A group's progress on one partition as the coordinator persists and describes it, whichever the
 * mode: {@link PartitionProgress} (ORDERED) or {@link SharedPartitionState} (SHARED). What is done
 * is kept the same way in both ({@link DoneOffsets}); each mode adds how records are handed out.
 * Guarded by the instance's own monitor; the group lock, when also needed, is taken first.
 */
abstract sealed class PartitionState permits PartitionProgress, SharedPartitionState {

    final TopicPartition topicPartition;
    /** The committed offset, the acks above it and the persisted version. Guarded by this. */
    final DoneOffsets done = new DoneOffsets();

    PartitionState(TopicPartition topicPartition) {
        this.topicPartition = topicPartition;
    }

    /** False until a starting position is set: the group has no position on the partition yet. */
    final synchronized boolean isInitialized() {
        return done.isInitialized();
    }

    /** The first record not done; -1 before {@link #isInitialized}. */
    final synchronized long committed() {
        return done.committed();
    }

    /** The error the last release of {@code offset} gave, or null. */
    final synchronized String lastError(long offset) {
        return done.lastError(offset);
    }

    /** The durable form of the progress, delivery state included. */
    abstract CommittedPosition position();

    /**
     * The position and its version when it changed since it was last persisted, else null. The
     * state stays pending until {@link #persisted} says that version is durable, so a failed write
     * is written again at the next persist.
     */
    final synchronized PendingPosition pendingPosition() {
        return done.pending(this::position);
    }

    /** Marks the position of {@code version} (from {@link #pendingPosition}) durable. */
    final synchronized void persisted(long version) {
        done.persisted(version);
    }
}
