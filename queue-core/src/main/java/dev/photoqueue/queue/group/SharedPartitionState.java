package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A SHARED group's progress on one partition: which records are done, which are locked to which
 * member until when, and how often each was delivered. No ownership and no ordering: any member
 * takes any available record.
 *
 * <p>Guarantees: a record is locked to at most one member at a time; at most {@code maxInFlight}
 * records are locked at once; an ack, release or renew by a member that no longer holds the lock
 * (it expired, or another member took the record since) throws {@link FencedMemberException} and
 * changes nothing. A lock whose deadline passed is expired when next looked at, whether by a take,
 * by the coordinator's periodic task or by the late ack itself. {@code committed} is the first
 * record not done, kept in a {@link DoneOffsets} as in ORDERED mode; delivery counts are kept in the same
 * {@link CommittedPosition} shape ({@code highestDelivered} is the last offset ever taken).
 * Guarded by its own monitor; the group lock, when also needed, is taken first.
 */
final class SharedPartitionState extends PartitionState {

    private record Lock(Member member, long deadlineNanos, int deliveryCount) {
    }

    /** The next offset never taken; everything in [committed, nextOffset) not done is locked or available. */
    private long nextOffset;
    private final TreeMap<Long, Lock> locks = new TreeMap<>();
    /** Offsets below {@code nextOffset} released or expired, not done and not locked. */
    private final TreeSet<Long> available = new TreeSet<>();
    /** Delivery counts of records taken at least once and not done. */
    private final Map<Long, Integer> deliveryCounts = new HashMap<>();
    /**
     * The delivery that settled each recently done record delivered more than once, so a late ack
     * of an earlier delivery is fenced rather than taken for a harmless repeat. In memory only,
     * the newest {@value #SETTLED_KEPT}; an ack older than that is taken for a repeat.
     */
    private final TreeMap<Long, Integer> settledRedeliveries = new TreeMap<>();
    static final int SETTLED_KEPT = 10_000;

    SharedPartitionState(TopicPartition topicPartition) {
        super(topicPartition);
    }

    /**
     * Starts from a persisted position: records taken before (up to {@code highestDelivered}) and
     * not done are available again with their delivery counts kept, since their locks died with
     * the process.
     */
    synchronized void initialize(CommittedPosition position, boolean persistIt) {
        if (!done.initialize(position, persistIt)) {
            return;
        }
        nextOffset = Math.max(position.offset(), position.highestDelivered() + 1);
        for (long o = position.offset(); o < nextOffset; o++) {
            if (!done.isAckedAbove(o)) {
                available.add(o);
                deliveryCounts.put(o, position.deliveryCounts().getOrDefault(o, 1));
            }
        }
    }

    synchronized int lockedCount() {
        return locks.size();
    }

    /**
     * Where a read should start to find a record {@code take} can hand out, or -1 when the
     * in-flight cap is reached. Expires overdue locks first.
     */
    synchronized long nextCandidate(long nowNanos, int maxInFlight) {
        expire(nowNanos);
        if (locks.size() >= maxInFlight) {
            return -1;
        }
        return available.isEmpty() ? nextOffset : available.first();
    }

    /**
     * Locks to {@code member} until {@code deadlineNanos} the records of {@code fetched} that are
     * available, at most {@code max} and within the in-flight cap, and returns them with their
     * delivery counts (counted now; the caller persists them before handing them out).
     */
    synchronized List<ConsumerRecord> take(Member member, List<ConsumerRecord> fetched, int max, int maxInFlight,
                                           long nowNanos, long deadlineNanos) {
        expire(nowNanos);
        List<ConsumerRecord> out = new ArrayList<>();
        for (ConsumerRecord r : fetched) {
            if (out.size() >= max || locks.size() >= maxInFlight) {
                break;
            }
            long offset = r.offset();
            boolean isNew = offset >= nextOffset;
            if (!isNew && !available.remove(offset)) {
                continue;
            }
            if (isNew) {
                nextOffset = offset + 1;
            }
            int count = deliveryCounts.merge(offset, 1, Integer::sum);
            locks.put(offset, new Lock(member, deadlineNanos, count));
            out.add(r.withDeliveryCount(count));
        }
        if (!out.isEmpty()) {
            done.changed();
        }
        return out;
    }

    /**
     * Gives back records {@link #take} just locked to {@code member}, before any reached the
     * application (their delivery counts could not be persisted): unlocked, available again, and
     * counted as not delivered.
     */
    synchronized void untake(Member member, List<ConsumerRecord> taken) {
        for (ConsumerRecord r : taken) {
            Lock lock = locks.get(r.offset());
            if (lock == null || lock.member() != member || lock.deliveryCount() != r.deliveryCount()) {
                continue;
            }
            locks.remove(r.offset());
            available.add(r.offset());
            deliveryCounts.computeIfPresent(r.offset(), (o, c) -> c > 1 ? c - 1 : null);
            done.changed();
        }
    }

    /** Marks {@code offset} done; fenced unless {@code member} holds its lock for {@code deliveryCount}. */
    synchronized void ack(String groupId, Member member, long offset, int deliveryCount, long nowNanos) {
        if (!holds(groupId, member, offset, deliveryCount, nowNanos, "ack")) {
            return;
        }
        Lock settled = locks.remove(offset);
        deliveryCounts.remove(offset);
        if (settled.deliveryCount() > 1) {
            settledRedeliveries.put(offset, settled.deliveryCount());
            if (settledRedeliveries.size() > SETTLED_KEPT) {
                settledRedeliveries.pollFirstEntry();
            }
        }
        done.markDone(offset);
    }

    /** Unlocks {@code offset}: it is available again, its delivery count kept. Fenced like {@link #ack}. */
    synchronized void release(String groupId, Member member, long offset, int deliveryCount, String error,
                              long nowNanos) {
        if (!holds(groupId, member, offset, deliveryCount, nowNanos, "release")) {
            return;
        }
        locks.remove(offset);
        available.add(offset);
        done.recordError(offset, error);
    }

    /** Extends the lock on {@code offset} to {@code deadlineNanos}. Fenced like {@link #ack}. */
    synchronized void renew(String groupId, Member member, long offset, int deliveryCount, long nowNanos,
                            long deadlineNanos) {
        if (holds(groupId, member, offset, deliveryCount, nowNanos, "renew")) {
            Lock lock = locks.get(offset);
            locks.put(offset, new Lock(member, deadlineNanos, lock.deliveryCount()));
        }
    }

    /** {@link #holds} under the monitor, for a reject: true when the record is to be dead-lettered. */
    synchronized boolean checkHolds(String groupId, Member member, long offset, int deliveryCount, long nowNanos) {
        return holds(groupId, member, offset, deliveryCount, nowNanos, "reject");
    }

    /** Unlocks every record {@code member} holds (it left or was removed); they are available again. */
    synchronized void releaseAll(Member member) {
        Iterator<Map.Entry<Long, Lock>> it = locks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Lock> e = it.next();
            if (e.getValue().member() == member) {
                available.add(e.getKey());
                it.remove();
            }
        }
    }

    /** Makes records whose lock deadline passed available again. */
    synchronized void expire(long nowNanos) {
        Iterator<Map.Entry<Long, Lock>> it = locks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Lock> e = it.next();
            if (nowNanos - e.getValue().deadlineNanos() >= 0) {
                available.add(e.getKey());
                it.remove();
            }
        }
    }

    /** How many records {@code member} holds locks on now (expired locks included until expired). */
    synchronized int lockedBy(Member member) {
        int n = 0;
        for (Lock lock : locks.values()) {
            if (lock.member() == member) {
                n++;
            }
        }
        return n;
    }

    /**
     * Moves the position to {@code offset} (replay or skip): everything from there is available
     * again and counts afresh; the locks held now are dropped, so their acks are fenced.
     */
    synchronized void reset(long offset) {
        done.reset(offset);
        nextOffset = offset;
        available.clear();
        locks.clear();
        deliveryCounts.clear();
        settledRedeliveries.clear();
    }

    /** The log no longer holds records below {@code startOffset} (retention): they count as done. */
    synchronized void skipTo(long startOffset) {
        if (!done.skipTo(startOffset)) {
            return;
        }
        nextOffset = Math.max(nextOffset, startOffset);
        available.headSet(startOffset).clear();
        locks.headMap(startOffset).clear();
        deliveryCounts.keySet().removeIf(o -> o < startOffset);
    }

    /**
     * True when {@code member} holds the current lock on {@code offset}; false when the record is
     * done already (a repeated ack is harmless); otherwise fenced.
     */
    private boolean holds(String groupId, Member member, long offset, int deliveryCount, long nowNanos, String what) {
        if (done.isDone(offset)) {
            Integer settledBy = settledRedeliveries.get(offset);
            if (deliveryCount > 0 && settledBy != null && deliveryCount < settledBy) {
                throw new FencedMemberException(groupId, member.memberId, topicPartition, "the " + what
                        + " of offset " + offset + " (delivery " + deliveryCount + ") changed nothing: its lock"
                        + " expired, and delivery " + settledBy + " settled the record since");
            }
            return false;
        }
        Lock lock = locks.get(offset);
        if (lock != null && nowNanos - lock.deadlineNanos() >= 0) {
            expire(nowNanos);
            lock = null;
        }
        if (lock == null || lock.member() != member || (deliveryCount > 0 && deliveryCount != lock.deliveryCount())) {
            String now = lock == null ? "it is not locked (its lock expired or was released)"
                    : "it is locked to " + lock.member().memberId + " for delivery " + lock.deliveryCount();
            throw new FencedMemberException(groupId, member.memberId, topicPartition, "the " + what + " of offset "
                    + offset + (deliveryCount > 0 ? " (delivery " + deliveryCount + ")" : "") + " changed nothing: "
                    + now + (member.removed ? "; the member was removed (" + member.removedBecause + ")" : ""));
        }
        return true;
    }

    @Override
    synchronized CommittedPosition position() {
        Map<Long, Integer> counts = new HashMap<>();
        deliveryCounts.forEach((offset, count) -> {
            if (count > 1) {
                counts.put(offset, count);
            }
        });
        return done.position(Math.max(nextOffset - 1, -1), counts);
    }
}
