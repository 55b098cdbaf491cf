package dev.photoqueue.queue.group;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A group's durable progress on one partition: {@code offset} is the first record not yet done;
 * {@code ackedAbove} are the records after it that are done already (acked out of order), so a
 * restart or a new owner skips them instead of processing them twice.
 *
 * <p>The delivery state lets counting continue after a crash: every record at or below
 * {@code highestDelivered} (-1: none) was handed out at least once, and {@code deliveryCounts}
 * holds the counts other than 1 of records not yet done (0 for a record whose hand-out a release
 * gave back: it was handed out behind the released record). It is persisted before records are
 * handed out, so a record that kills the process on every delivery still reaches its maximum.
 */
public record CommittedPosition(long offset, List<Long> ackedAbove, long highestDelivered,
                                Map<Long, Integer> deliveryCounts) {

    public CommittedPosition {
        if (offset < 0) {
            throw new IllegalArgumentException("committed offset must be >= 0, was " + offset);
        }
        if (highestDelivered < -1) {
            throw new IllegalArgumentException("highest delivered offset must be >= -1, was " + highestDelivered);
        }
        ackedAbove = List.copyOf(ackedAbove);
        deliveryCounts = java.util.Collections.unmodifiableMap(new TreeMap<>(deliveryCounts));
    }

    /** A position without delivery state (as written before delivery counts were persisted). */
    public CommittedPosition(long offset, List<Long> ackedAbove) {
        this(offset, ackedAbove, -1, Map.of());
    }

    /** Which records are done, without the delivery state. */
    public CommittedPosition withoutDeliveryState() {
        return new CommittedPosition(offset, ackedAbove);
    }

    public static CommittedPosition at(long offset) {
        return new CommittedPosition(offset, List.of());
    }
}
