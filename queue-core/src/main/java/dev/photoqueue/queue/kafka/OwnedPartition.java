package dev.photoqueue.queue.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * What an ORDERED group member knows of one partition while it owns it: the group's progress
 * ({@link OrderedProgress}, what gets committed), the deliveries it handed out in this ownership
 * and has not settled (to fence stale acks), the error of each record's last release (for its dead
 * letter) and, after a release, when the partition may be read again. Dropped when the partition
 * is revoked or lost. Not thread-safe: owned by the member's thread.
 */
final class OwnedPartition {

    /** Null until the partition's committed offset or first position is known. */
    private OrderedProgress progress;
    /** Offsets handed out in this ownership and not yet settled, with the delivery count they carried. */
    private final Map<Long, Integer> outstanding = new HashMap<>();
    private final Map<Long, String> lastError = new HashMap<>();
    private boolean paused;
    /** While paused: the System.nanoTime after which the partition is read again. */
    private long resumeAtNanos;

    /** The progress a commit describes, from the group's last commit (or empty if it has none). */
    void restore(long committedOffset, String metadata) {
        progress = OrderedProgress.decode(committedOffset, metadata);
    }

    /** The progress, started at {@code position} (asked only then) unless it is known already. */
    OrderedProgress progressFrom(java.util.function.LongSupplier position) {
        if (progress == null) {
            progress = new OrderedProgress(position.getAsLong());
        }
        return progress;
    }

    /** True when the record counts as done (acked, rejected, dead-lettered, or before the position). */
    boolean isDone(long offset) {
        return progress != null && progress.isDone(offset);
    }

    /** Times the record was handed out before (counted durably in the progress). */
    int previousDeliveries(long offset) {
        return progress.deliveries(offset);
    }

    /** Counts one more delivery and remembers it as current; returns its delivery count. */
    int handOut(long offset) {
        int count = progress.deliver(offset);
        outstanding.put(offset, count);
        return count;
    }

    /** The delivery count of the current delivery of {@code offset}, or null when there is none. */
    Integer currentDelivery(long offset) {
        return outstanding.get(offset);
    }

    /** The record is done: acked, rejected or dead-lettered. */
    void done(long offset) {
        outstanding.remove(offset);
        lastError.remove(offset);
        progress.ack(offset);
    }

    /** At-most-once: everything up to and including {@code offset} is done as it is handed out. */
    void doneUpTo(long offset) {
        outstanding.remove(offset);
        progress.doneBefore(offset + 1);
    }

    /** The record comes again: its delivery and every later one of this partition stop being current. */
    void released(long offset, String error) {
        outstanding.keySet().removeIf(o -> o >= offset);
        if (error != null) {
            lastError.put(offset, error);
        }
    }

    /** Not read until System.nanoTime passes {@code resumeAt}. */
    void pauseUntil(long resumeAt) {
        paused = true;
        resumeAtNanos = resumeAt;
    }

    /** The error given with the record's last release, or null. */
    String lastError(long offset) {
        return lastError.get(offset);
    }

    boolean isPaused() {
        return paused;
    }

    /** Nanos until the partition may be read again ({@code <= 0}: now). Only while paused. */
    long pauseLeftNanos(long now) {
        return resumeAtNanos - now;
    }

    void resumed() {
        paused = false;
    }
}
