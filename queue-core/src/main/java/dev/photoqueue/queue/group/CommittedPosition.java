package dev.photoqueue.queue.group;

import java.util.List;

/**
 * A group's durable progress on one partition: {@code offset} is the first record not yet done;
 * {@code ackedAbove} are the records after it that are done already (acked out of order), so a
 * restart or a new owner skips them instead of processing them twice.
 */
public record CommittedPosition(long offset, List<Long> ackedAbove) {

    public CommittedPosition {
        if (offset < 0) {
            throw new IllegalArgumentException("committed offset must be >= 0, was " + offset);
        }
        ackedAbove = List.copyOf(ackedAbove);
    }

    public static CommittedPosition at(long offset) {
        return new CommittedPosition(offset, List.of());
    }
}
