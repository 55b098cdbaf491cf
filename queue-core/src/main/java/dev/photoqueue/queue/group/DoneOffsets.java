package dev.photoqueue.queue.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Which records of one partition a group has done, as both consumption modes keep it:
 * {@code committed} is the first record not done (-1 until a starting position is set),
 * {@code ackedAbove} the records after it done already (acked out of order), beside the error of
 * the last release of each record not yet done, and a version that tells whether this changed
 * since it was last persisted.
 *
 * <p>Invariant: every offset in {@code ackedAbove} is above {@code committed}; marking done the
 * record at {@code committed} moves it past the run of acked records that follows. Not
 * thread-safe: guarded by the monitor of the partition state that holds it
 * ({@link PartitionProgress} or {@link SharedPartitionState}).
 */
final class DoneOffsets {

    private long committed = -1;
    private final TreeSet<Long> ackedAbove = new TreeSet<>();
    /** The error of the last release of a record not yet done, for its dead letter; kept in memory only. */
    private final Map<Long, String> lastErrors = new HashMap<>();
    /** Counts the changes to the position; it is pending while this differs from {@code persistedVersion}. */
    private long version;
    private long persistedVersion;

    boolean isInitialized() {
        return committed >= 0;
    }

    long committed() {
        return committed;
    }

    /**
     * Starts from {@code position}'s done records; with {@code persistIt} the start is pending.
     * False, and nothing changes, when a starting position is set already.
     */
    boolean initialize(CommittedPosition position, boolean persistIt) {
        if (isInitialized()) {
            return false;
        }
        committed = position.offset();
        ackedAbove.clear();
        ackedAbove.addAll(position.ackedAbove());
        if (persistIt) {
            changed();
        }
        return true;
    }

    boolean isDone(long offset) {
        return offset < committed || ackedAbove.contains(offset);
    }

    /** Done out of order: above {@code committed} and acked. */
    boolean isAckedAbove(long offset) {
        return !ackedAbove.isEmpty() && ackedAbove.contains(offset);
    }

    /** Marks {@code offset}, at or above {@code committed} and not done, done. */
    void markDone(long offset) {
        lastErrors.remove(offset);
        if (offset == committed) {
            moveCommittedTo(committed + 1);
        } else {
            ackedAbove.add(offset);
            changed();
        }
    }

    /**
     * Moves {@code committed} forward to {@code to} (never back), then past the acked records that
     * follow it; forgets the errors of the records it passed.
     */
    void moveCommittedTo(long to) {
        committed = Math.max(committed, to);
        while (!ackedAbove.isEmpty() && ackedAbove.first() <= committed) {
            if (ackedAbove.pollFirst() == committed) {
                committed++;
            }
        }
        if (!lastErrors.isEmpty()) {
            lastErrors.keySet().removeIf(o -> o < committed);
        }
        changed();
    }

    /**
     * Puts {@code committed} back to {@code before} (when it is set and lower): an at-most-once
     * commit whose records were not handed out after all.
     */
    void takeBackCommitted(long before) {
        if (before >= 0 && committed > before) {
            committed = before;
        }
    }

    /** Nothing from {@code offset} on is done any more (replay or skip). */
    void reset(long offset) {
        committed = offset;
        ackedAbove.clear();
        lastErrors.clear();
        changed();
    }

    /**
     * The log no longer holds records below {@code startOffset} (retention): they count as done.
     * False, and nothing changes, when {@code committed} is there already.
     */
    boolean skipTo(long startOffset) {
        if (committed >= startOffset) {
            return false;
        }
        committed = startOffset;
        ackedAbove.headSet(startOffset).clear();
        lastErrors.keySet().removeIf(o -> o < startOffset);
        changed();
        return true;
    }

    void recordError(long offset, String error) {
        if (error != null) {
            lastErrors.put(offset, error);
        }
    }

    String lastError(long offset) {
        return lastErrors.get(offset);
    }

    /** The durable position with the holder's delivery state. */
    CommittedPosition position(long highestDelivered, Map<Long, Integer> deliveryCounts) {
        return new CommittedPosition(Math.max(committed, 0), new ArrayList<>(ackedAbove), highestDelivered,
                deliveryCounts);
    }

    /** Records a change to the position (done records or delivery state): it is pending until persisted. */
    void changed() {
        version++;
    }

    /**
     * The position and its version when it changed since it was last persisted, else null. It
     * stays pending until {@link #persisted} says that version is durable, so a failed write is
     * written again at the next persist.
     */
    PendingPosition pending(Supplier<CommittedPosition> position) {
        if (version == persistedVersion || committed < 0) {
            return null;
        }
        return new PendingPosition(position.get(), version);
    }

    /** Marks the position of {@code persistedAt} (from {@link #pending}) durable. */
    void persisted(long persistedAt) {
        persistedVersion = Math.max(persistedVersion, persistedAt);
    }
}
