package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.AssignmentChange;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.group.MemberSession;
import dev.photoqueue.queue.log.DataSignal;
import dev.photoqueue.queue.log.PartitionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A group member over the embedded log, ORDERED mode. The coordinator decides what it owns and
 * from where it reads; this class reads those partitions (keeping the rest of each fetch for the
 * next poll), hands the records over through its {@link MemberSession}, and runs the rebalance
 * listener. A member the coordinator removed (it stopped polling past the session timeout) is
 * told its partitions were lost and joins again under a new member id. What it shares with the
 * SHARED-mode consumer (subscription, checks, rejoining, dead letters, commits, ids) is in
 * {@link InhouseMember} and its {@link InhouseMembership}.
 *
 * <p>Failure handling: a poll persists the delivery counts of what it returns before returning
 * (one write a poll), so counting survives a crash; a record whose delivery would pass
 * {@code maxDeliveries} is dead-lettered (written and acknowledged first) and acked instead of
 * returned; a partition with a released record is skipped until its backoff ends. Not thread-safe.
 */
final class InhouseGroupConsumer extends InhouseMember<MemberSession> {

    private static final Logger LOG = LoggerFactory.getLogger(InhouseGroupConsumer.class);

    /** What was read from one partition and not yet handed out. */
    private static final class Buffer {
        PartitionLog.Fetch last;
        List<ConsumerRecord> records = List.of();
        int index;

        boolean startsAt(long offset) {
            return index < records.size() && records.get(index).offset() == offset;
        }
    }

    private final Map<TopicPartition, Buffer> buffers = new HashMap<>();
    /** What the listener was told this member holds: revoked in full on close, pending revocations included. */
    private final Set<TopicPartition> announced = new TreeSet<>();
    private RebalanceListener listener = RebalanceListener.NONE;
    private int rotation;
    /** Set by a collect that moved a position without returning records (all skipped as acked, or repositioned). */
    private boolean progressed;
    /** The soonest a partition held back by a release may be read again, as nanos from now; set by collect. */
    private long pausedForNanos;
    /** True from the start of {@link #close}, so a callback calling close again does nothing. */
    private boolean closing;

    InhouseGroupConsumer(InhouseBackend backend, GroupCoordinator coordinator, GroupConsumerConfig config) {
        super(new InhouseMembership<>(backend, config, coordinator::join), config);
    }

    /** The current session; null before subscribe. Changes when the member joins again. */
    private MemberSession current() {
        return membership.sessionOrNull();
    }

    @Override
    public void subscribe(Collection<String> newTopics, RebalanceListener newListener) {
        membership.subscribe(newTopics);
        listener = newListener;
    }

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        membership.ensureSubscribed();
        long deadline = System.nanoTime() + timeout.toNanos();
        DataSignal signal = membership.signal();
        // Wake at least this often to heartbeat while there is nothing to read.
        long heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, config.sessionTimeoutMs() / 3));
        while (true) {
            long seen = signal.version();
            applyAssignmentChanges();
            progressed = false;
            List<ConsumerRecord> records = collect();
            if (!records.isEmpty()) {
                return Collections.unmodifiableList(records);
            }
            if (progressed) {
                // Everything read was already done; more may be readable right away.
                continue;
            }
            long maxWait = pausedForNanos > 0 ? Math.min(heartbeatNanos, pausedForNanos) : heartbeatNanos;
            if (!signal.awaitBefore(seen, deadline, maxWait)) {
                return List.of();
            }
        }
    }

    private void applyAssignmentChanges() {
        MemberSession session = current();
        AssignmentChange change = session.sync();
        // A member removed while it owned nothing has no lost partitions to report, but must rejoin all the same.
        if (change.isEmpty() && !session.isRemoved()) {
            return;
        }
        if (!change.lost().isEmpty() || session.isRemoved()) {
            change.lost().forEach(buffers::remove);
            announced.removeAll(change.lost());
            if (!change.lost().isEmpty()) {
                listener.onPartitionsLost(change.lost());
            }
            session = membership.rejoin();
            change = session.sync();
        }
        if (!change.revoked().isEmpty()) {
            listener.onPartitionsRevoked(change.revoked());
            change.revoked().forEach(buffers::remove);
            announced.removeAll(change.revoked());
            session.confirmRevoked(change.revoked());
        }
        if (!change.assigned().isEmpty()) {
            announced.addAll(change.assigned());
            listener.onPartitionsAssigned(change.assigned());
        }
    }

    private List<ConsumerRecord> collect() {
        MemberSession session = current();
        List<TopicPartition> partitions = session.fetchable();
        int n = partitions.size();
        List<ConsumerRecord> out = new ArrayList<>();
        Map<TopicPartition, Long> takenFrom = new LinkedHashMap<>();
        pausedForNanos = 0;
        for (int i = 0; i < n && out.size() < config.maxPollRecords(); i++) {
            TopicPartition tp = partitions.get((rotation + i) % n);
            long paused = session.pausedForNanos(tp);
            if (paused > 0) {
                pausedForNanos = pausedForNanos == 0 ? paused : Math.min(pausedForNanos, paused);
                continue;
            }
            long from = session.nextFetch(tp);
            List<ConsumerRecord> taken;
            try {
                taken = take(tp, config.maxPollRecords() - out.size());
            } catch (RuntimeException e) {
                // Nothing of this partition is handed out: it is tried again at the next poll.
                session.takeBack(tp, from);
                if (out.isEmpty()) {
                    throw e;
                }
                break;
            }
            if (!taken.isEmpty()) {
                takenFrom.putIfAbsent(tp, from);
                out.addAll(taken);
            }
        }
        rotation = n == 0 ? 0 : (rotation + 1) % n;
        if (!out.isEmpty() && config.delivery() == DeliveryGuarantee.AT_LEAST_ONCE) {
            // The delivery counts must be on disk before the records are processed: a record that
            // kills the process must still reach its maximum. One write for the whole poll.
            try {
                session.persistDeliveries();
            } catch (RuntimeException e) {
                // Not handed out after all: the next poll delivers them again, counted as now.
                takenFrom.forEach(session::takeBack);
                throw e;
            }
        }
        return out;
    }

    /** Hands on the records under the delivery maximum; dead-letters the others and counts them done. */
    private List<ConsumerRecord> withoutExhausted(List<ConsumerRecord> delivered) {
        List<ConsumerRecord> out = null;
        for (int i = 0; i < delivered.size(); i++) {
            ConsumerRecord r = delivered.get(i);
            if (membership.isExhausted(r)) {
                if (out == null) {
                    out = new ArrayList<>(delivered.subList(0, i));
                }
                membership.deadLetterExhausted(r);
            } else if (out != null) {
                out.add(r);
            }
        }
        return out == null ? delivered : out;
    }

    private List<ConsumerRecord> take(TopicPartition tp, int max) {
        long next = current().nextFetch(tp);
        Buffer buffer = buffers.computeIfAbsent(tp, k -> new Buffer());
        if (!buffer.startsAt(next)) {
            PartitionLog log = membership.partition(tp);
            if (next == log.endOffset()) {
                return List.of();
            }
            PartitionLog.Fetch hint = buffer.last != null && buffer.last.nextOffset() == next ? buffer.last : null;
            try {
                buffer.last = log.read(next, config.fetchMaxBytes(), config.maxPollRecords(), hint);
            } catch (OffsetOutOfRangeException e) {
                repositionAfter(tp, e);
                progressed = true;
                return List.of();
            }
            buffer.records = buffer.last.records();
            buffer.index = 0;
            if (!buffer.startsAt(next)) {
                return List.of();
            }
        }
        int count = Math.min(max, buffer.records.size() - buffer.index);
        List<ConsumerRecord> taken = buffer.records.subList(buffer.index, buffer.index + count);
        buffer.index += count;
        progressed |= count > 0;
        return withoutExhausted(current().deliver(tp, next, taken));
    }

    private void repositionAfter(TopicPartition tp, OffsetOutOfRangeException e) {
        if (!membership.skipDeletedRecords(tp, e)) {
            LOG.warn("group {}: {} ends at {}, before its position {}; continuing at the end",
                    config.groupId(), tp, e.logEndOffset(), e.offset());
            current().rewindTo(tp, e.logEndOffset());
        }
    }

    @Override
    public void acknowledge(ConsumerRecord record, AckType type, String error) {
        MemberSession session = membership.session();
        switch (type) {
            case ACCEPT -> session.ack(record.topicPartition(), record.offset(), record.deliveryCount());
            case RELEASE -> session.release(record.topicPartition(), record.offset(), record.deliveryCount(), error);
            case REJECT -> {
                // Checks the delivery is current before the dead letter is written: a fenced reject writes nothing.
                if (session.checkOutstanding(record.topicPartition(), record.offset(), record.deliveryCount())) {
                    membership.deadLetter(record, record.deliveryCount(), DeadLetterCause.REJECTED, error);
                }
            }
            case RENEW -> throw new IllegalArgumentException("ack type RENEW extends a lock on a record in SHARED "
                    + "mode; an ORDERED group consumer (group " + config.groupId() + ") holds no locks: settle "
                    + record.topicPartition() + "@" + record.offset() + " with ACCEPT, RELEASE or REJECT");
        }
    }

    GroupConsumerConfig config() {
        return config;
    }

    /** The current membership, for a transaction's acks; {@link IllegalStateException} before subscribe. */
    MemberSession session() {
        return membership.session();
    }

    @Override
    public Set<TopicPartition> assignment() {
        return current() == null ? Set.of() : new LinkedHashSet<>(current().fetchable());
    }

    /**
     * Revokes every partition the listener was told of, pending revocations included, while acks
     * still work (in-flight records may be finished from the callback), then leaves the group.
     */
    @Override
    public void close() {
        if (membership.isClosed() || closing) {
            return;
        }
        closing = true;
        try {
            MemberSession session = current();
            if (session != null && !session.isRemoved() && !announced.isEmpty()) {
                listener.onPartitionsRevoked(List.copyOf(announced));
            }
        } finally {
            announced.clear();
            buffers.clear();
            membership.closeAndLeave();
        }
    }
}
