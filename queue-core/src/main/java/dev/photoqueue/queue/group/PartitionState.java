package dev.photoqueue.queue.group;

/**
 * A group's progress on one partition as the coordinator persists and describes it, whichever the
 * mode: {@link PartitionProgress} (ORDERED) or {@link SharedPartitionState} (SHARED). Each
 * implementation guards itself with its own monitor.
 */
sealed interface PartitionState permits PartitionProgress, SharedPartitionState {

    /** False until a starting position is set: the group has no position on the partition yet. */
    boolean isInitialized();

    /** The first record not done; -1 before {@link #isInitialized}. */
    long committed();

    /** The durable form of the progress, delivery state included. */
    CommittedPosition position();

    /**
     * The position and its version when it changed since it was last persisted, else null. The
     * state stays pending until {@link #persisted} says that version is durable, so a failed write
     * is written again at the next persist.
     */
    PendingPosition pendingPosition();

    /** Marks the position of {@code version} (from {@link #pendingPosition}) durable. */
    void persisted(long version);
}
