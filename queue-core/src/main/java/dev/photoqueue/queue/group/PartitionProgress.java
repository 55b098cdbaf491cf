package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A group's progress on one partition in ORDERED mode, and who owns it.
 *
 * <p>{@code committed} is the first offset not yet acked; {@code ackedAbove} the acked offsets
 * after it (both kept in a {@link DoneOffsets}). The owner is handed records from {@code nextFetch} on, in offset order; when the
 * partition changes owner, {@code nextFetch} goes back to {@code committed}, so the unacked tail is
 * delivered again, in order, minus what was acked meanwhile. Guarded by its own monitor; the group
 * lock, when also needed, is taken first.
 */
final class PartitionProgress extends PartitionState {

    private long nextFetch;
    /** The highest offset ever handed out (persisted): anything at or below it is a redelivery. */
    private long highestDelivered = -1;
    /**
     * Delivery counts other than 1 (0: a release gave the hand-out back), by offset, for records not
     * yet acked (persisted).
     */
    private final Map<Long, Integer> redeliveries = new HashMap<>();
    /** After a release: no record is handed out before this {@code System.nanoTime()}. */
    private long pausedUntilNanos;
    private boolean paused;
    private Member owner;
    private Member pendingOwner;
    private boolean revoking;

    PartitionProgress(TopicPartition topicPartition) {
        super(topicPartition);
    }

    /** Sets the starting position of a partition the group has no committed position for. */
    synchronized void initialize(CommittedPosition position, boolean persistIt) {
        if (!done.initialize(position, persistIt)) {
            return;
        }
        highestDelivered = position.highestDelivered();
        redeliveries.clear();
        position.deliveryCounts().forEach((offset, count) -> {
            if (offset >= position.offset()) {
                redeliveries.put(offset, count);
            }
        });
        nextFetch = position.offset();
    }

    synchronized Member owner() {
        return owner;
    }

    synchronized boolean isRevoking() {
        return revoking;
    }

    synchronized long nextFetch() {
        return nextFetch;
    }

    /** Makes {@code member} the owner at once; it starts at the committed position. */
    synchronized void transferTo(Member member) {
        owner = member;
        pendingOwner = null;
        revoking = false;
        nextFetch = done.committed();
    }

    /** Asks the current owner to give the partition up to {@code next} (null: to nobody) at its next poll. */
    synchronized void requestRevocation(Member next) {
        pendingOwner = next;
        revoking = true;
    }

    synchronized void cancelRevocation() {
        pendingOwner = null;
        revoking = false;
    }

    /** Completes a revocation the owner confirmed; returns the new owner, or null. */
    synchronized Member completeRevocation() {
        Member next = pendingOwner;
        transferTo(next);
        return next;
    }

    /**
     * Takes records the owner read from {@code fromOffset}: returns those to hand out (acked ones
     * skipped, delivery counts set) and moves {@code nextFetch} past them; null when the read is
     * stale (the position moved meanwhile) or the member no longer owns the partition. With
     * {@code commitNow} (at-most-once) they count as done at once. Without {@code countDurably}
     * the delivery counts change in memory only: the position is not pending for them, and they
     * are written with the next change that is (an ack, a release, a commit).
     */
    synchronized List<ConsumerRecord> deliver(Member member, long fromOffset, List<ConsumerRecord> fetched,
                                              boolean commitNow, boolean countDurably) {
        if (owner != member || fromOffset != nextFetch || fetched.isEmpty()) {
            return null;
        }
        List<ConsumerRecord> out = new ArrayList<>(fetched.size());
        for (ConsumerRecord r : fetched) {
            long offset = r.offset();
            if (offset < nextFetch || done.isAckedAbove(offset)) {
                continue;
            }
            int count = 1;
            if (offset <= highestDelivered) {
                count = redeliveries.merge(offset, 2, (old, two) -> old + 1);
            }
            out.add(r.withDeliveryCount(count));
        }
        long last = fetched.get(fetched.size() - 1).offset();
        nextFetch = last + 1;
        highestDelivered = Math.max(highestDelivered, last);
        if (!out.isEmpty() && countDurably) {
            done.changed();
        }
        if (commitNow) {
            moveCommitted(nextFetch);
        }
        return out;
    }

    /** Marks {@code offset} done, whichever delivery of it the ack comes from; see the four-argument form. */
    synchronized void ack(String groupId, Member member, long offset) {
        ack(groupId, member, offset, 0);
    }

    /**
     * Marks {@code offset} done. {@link FencedMemberException} if {@code member} does not own the
     * partition, or if {@code deliveryCount} (when not 0) names an earlier delivery than the
     * latest: the record was handed out again since, and that delivery is the one to settle it.
     */
    synchronized void ack(String groupId, Member member, long offset, int deliveryCount) {
        if (isOutstanding(groupId, member, offset, deliveryCount)) {
            markDone(offset);
        }
    }

    /**
     * Marks {@code offset} done whoever holds the partition: for acks whose commit was decided
     * before a crash (a committed transaction), applied when the queue opens again. Idempotent.
     */
    synchronized void markDone(long offset) {
        if (!done.isInitialized() || done.isDone(offset)) {
            return;
        }
        if (offset == done.committed()) {
            moveCommitted(offset + 1);
        } else {
            done.markDone(offset);
        }
    }

    /**
     * Hands {@code offset} back undone ("try again later"): the owner continues from it, so the
     * records after it that were handed out come again after it, in order, and nothing of the
     * partition is handed out before {@code resumeAtNanos}. Fenced like {@link #ack}; a release of
     * a record already done, or not handed out at the current position, changes nothing.
     */
    synchronized void release(String groupId, Member member, long offset, int deliveryCount, String error,
                              long resumeAtNanos) {
        if (!isOutstanding(groupId, member, offset, deliveryCount)) {
            return;
        }
        undoDeliveriesAfter(offset);
        nextFetch = offset;
        done.recordError(offset, error);
        paused = true;
        pausedUntilNanos = resumeAtNanos;
    }

    /**
     * The records handed out after {@code offset} and not acked come again after it: as far as
     * counting goes, that hand-out did not happen, so a record that keeps being released does not
     * use up the deliveries of the records behind it. A count of 0 below {@code highestDelivered}
     * means "not handed out"; the next delivery counts 1.
     */
    private void undoDeliveriesAfter(long offset) {
        for (long o = offset + 1; o < nextFetch; o++) {
            if (!done.isAckedAbove(o)) {
                redeliveries.put(o, redeliveries.getOrDefault(o, 1) - 1);
            }
        }
        done.changed();
    }

    /**
     * Takes back the records {@code member} was just given from {@code fromOffset} on, before any
     * reached the application (the write that had to persist their delivery counts, or their
     * at-most-once commit, failed): the position goes back to {@code fromOffset}, an at-most-once
     * commit of them back to {@code committedBefore}, and those deliveries count as not made.
     * Does nothing when the member no longer owns the partition.
     */
    synchronized void takeBack(Member member, long fromOffset, long committedBefore) {
        if (owner != member || fromOffset >= nextFetch) {
            return;
        }
        done.takeBackCommitted(committedBefore);
        // Records done meanwhile (dead-lettered on the way) stay done: they are not handed out again.
        long from = Math.max(fromOffset, done.committed());
        for (long o = from; o < nextFetch; o++) {
            if (!done.isAckedAbove(o)) {
                redeliveries.put(o, redeliveries.getOrDefault(o, 1) - 1);
            }
        }
        nextFetch = Math.min(nextFetch, from);
        done.changed();
    }

    /** {@link #isOutstanding} under the monitor. */
    synchronized boolean checkOutstanding(String groupId, Member member, long offset, int deliveryCount) {
        return isOutstanding(groupId, member, offset, deliveryCount);
    }

    /** True while a release holds the partition back at {@code nowNanos}. */
    synchronized boolean isPausedAt(long nowNanos) {
        if (paused && nowNanos - pausedUntilNanos >= 0) {
            paused = false;
        }
        return paused;
    }

    synchronized long pausedUntilNanos() {
        return pausedUntilNanos;
    }

    /**
     * Checks an ack or release of {@code offset}: throws when fenced, returns false when there is
     * nothing to settle (done already, or not handed out at the current position).
     */
    private boolean isOutstanding(String groupId, Member member, long offset, int deliveryCount) {
        if (deliveryCount > 0 && offset >= done.committed()) {
            int latest = redeliveries.isEmpty() ? 1 : redeliveries.getOrDefault(offset, 1);
            if (deliveryCount < latest) {
                throw new FencedMemberException(groupId, member.memberId, topicPartition, "offset " + offset
                        + " was delivered again (delivery " + latest + ") after the delivery " + deliveryCount
                        + " this ack is for; the ack changed nothing");
            }
        }
        if (owner != member || member.removed) {
            throw new FencedMemberException(groupId, member.memberId, topicPartition,
                    member.removed ? "it was removed from the group (" + member.removedBecause + ")"
                            : "the partition is owned by " + (owner == null ? "no member" : owner.memberId)
                            + " now; the ack of offset " + offset + " changed nothing");
        }
        if (done.isDone(offset)) {
            return false;
        }
        // Not handed out at the current position when at or past nextFetch: a reset (replay) or a
        // release moved the position back, and the record will be delivered again from there.
        return offset < nextFetch;
    }

    private void moveCommitted(long to) {
        done.moveCommittedTo(to);
        long committed = done.committed();
        if (!redeliveries.isEmpty()) {
            redeliveries.keySet().removeIf(o -> o < committed);
        }
        // Settling acked-above records can carry committed past nextFetch (a new owner that read
        // the tail in small pieces): those records are done and must not be handed out again.
        nextFetch = Math.max(nextFetch, committed);
    }

    /** Moves the position to {@code offset} (replay or skip); the owner continues from there. */
    synchronized void reset(long offset) {
        done.reset(offset);
        redeliveries.clear();
        // A replay starts counting afresh: what comes from the new position counts as new.
        highestDelivered = offset - 1;
        paused = false;
        nextFetch = offset;
    }

    /** When the log no longer holds {@code nextFetch} (retention), continue from its new start. */
    synchronized void skipTo(long startOffset) {
        if (done.committed() < startOffset) {
            reset(startOffset);
        }
    }

    @Override
    synchronized CommittedPosition position() {
        Map<Long, Integer> counts = new HashMap<>();
        redeliveries.forEach((offset, count) -> {
            if (offset >= done.committed() && !done.isAckedAbove(offset)) {
                counts.put(offset, count);
            }
        });
        return done.position(Math.max(highestDelivered, -1), counts);
    }
}
