package dev.photoqueue.queue.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What an ORDERED group member knows of a partition it owns now. Plain mutable state with no
 * locking of its own: read and written only under {@link KafkaGroupConsumer}'s lock.
 */
final class OwnedPartition {
    /** Null until the partition's committed offset or first position is known. */
    OrderedProgress progress;
    /**
     * The committed progress could not be read when the partition was assigned (the coordinator
     * away): it is read before the partition's first hand-out, and nothing is committed for the
     * partition until then, so the progress committed before is not written over.
     */
    boolean progressUnread;
    /** Offsets handed out in this ownership and not yet settled, with the delivery count they carried. */
    final Map<Long, Integer> outstanding = new HashMap<>();
    /** The error of the last release, per offset: kept for the dead letter. */
    final Map<Long, String> lastError = new HashMap<>();
    /** System.nanoTime after which a paused (released) partition is read again; 0 when not paused. */
    long resumeAtNanos;
    /**
     * Outstanding offsets whose settlement came after the member's session timeout and was refused.
     * Kafka may not have removed the member yet (its heartbeat thread acts on its own clock): the
     * member's next poll then reads them again itself ({@link OwnedPartitions#readAgainSettledLate}).
     */
    final NavigableSet<Long> settledLate = new TreeSet<>();
}
