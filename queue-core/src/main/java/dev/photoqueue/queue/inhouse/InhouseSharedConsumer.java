package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.group.SharedSession;
import dev.photoqueue.queue.log.DataSignal;
import dev.photoqueue.queue.log.PartitionLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A group member over the embedded log, SHARED mode: it owns no partitions; every poll takes
 * available records of any partition of its topics, each locked to it for the visibility timeout.
 * The rebalance listener is never called, as nothing is assigned.
 *
 * <p>Failure handling as in ORDERED mode: delivery counts are persisted before a poll returns; a
 * record whose delivery would pass {@code maxDeliveries} is dead-lettered and counted done instead
 * of returned. A member removed for silence loses its locks and joins again. What it shares with
 * the ORDERED-mode consumer is in {@link InhouseMember} and its {@link InhouseMembership}. Not
 * thread-safe.
 */
final class InhouseSharedConsumer extends InhouseMember<SharedSession> {

    /** Releases and lock expiries by other members do not signal the log: look again at least this often. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private int rotation;

    InhouseSharedConsumer(InhouseBackend backend, GroupCoordinator coordinator, GroupConsumerConfig config) {
        super(new InhouseMembership<>(backend, config, coordinator::joinShared), config);
    }

    @Override
    public void subscribe(Collection<String> newTopics, RebalanceListener ignored) {
        membership.subscribe(newTopics);
    }

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        SharedSession session = membership.session();
        long deadline = System.nanoTime() + timeout.toNanos();
        DataSignal signal = membership.signal();
        while (true) {
            long seen = signal.version();
            if (session.isRemoved()) {
                session = membership.rejoin();
            }
            List<ConsumerRecord> records = collect(session);
            if (!records.isEmpty()) {
                return Collections.unmodifiableList(records);
            }
            if (!signal.awaitBefore(seen, deadline, RECHECK_NANOS)) {
                return List.of();
            }
        }
    }

    private List<TopicPartition> partitions() {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : membership.topics()) {
            int n = membership.backend().topic(topic).partitionCount();
            for (int p = 0; p < n; p++) {
                out.add(new TopicPartition(topic, p));
            }
        }
        return out;
    }

    private List<ConsumerRecord> collect(SharedSession session) {
        List<TopicPartition> partitions = partitions();
        int n = partitions.size();
        List<ConsumerRecord> out = new ArrayList<>();
        try {
            for (int i = 0; i < n && out.size() < config.maxPollRecords(); i++) {
                out.addAll(take(session, partitions.get((rotation + i) % n), config.maxPollRecords() - out.size()));
            }
            rotation = n == 0 ? 0 : (rotation + 1) % n;
            if (!out.isEmpty()) {
                // On disk before processing (under at-most-once: the records' being done): a record that
                // kills the process must still reach its maximum.
                session.persistDeliveries();
            }
        } catch (RuntimeException e) {
            // Not handed out after all: available again, counted as not delivered.
            Map<TopicPartition, List<ConsumerRecord>> byPartition = new LinkedHashMap<>();
            out.forEach(r -> byPartition.computeIfAbsent(r.topicPartition(), tp -> new ArrayList<>()).add(r));
            byPartition.forEach(session::untake);
            throw e;
        }
        return out;
    }

    private List<ConsumerRecord> take(SharedSession session, TopicPartition tp, int max) {
        PartitionLog log = membership.partition(tp);
        List<ConsumerRecord> out = new ArrayList<>();
        while (out.size() < max) {
            long from = session.nextCandidate(tp);
            if (from < 0 || from >= log.endOffset()) {
                break;
            }
            List<ConsumerRecord> fetched;
            try {
                fetched = log.read(from, config.fetchMaxBytes(), null).records();
            } catch (OffsetOutOfRangeException e) {
                if (membership.skipDeletedRecords(tp, e)) {
                    continue;
                }
                break;
            }
            List<ConsumerRecord> taken = session.take(tp, fetched, max - out.size());
            if (taken.isEmpty()) {
                break;
            }
            for (ConsumerRecord r : taken) {
                if (membership.isExhausted(r)) {
                    membership.deadLetterExhausted(r);
                } else {
                    if (config.delivery() == DeliveryGuarantee.AT_MOST_ONCE) {
                        // Done when handed out; persisted with the poll's delivery counts before it returns.
                        session.ack(tp, r.offset(), r.deliveryCount());
                    }
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Settles the record under this member's lock; {@link dev.photoqueue.queue.api.FencedMemberException}
     * when the lock expired or another member holds it now. RELEASE makes it available at once (no backoff).
     */
    @Override
    public void acknowledge(ConsumerRecord record, AckType type, String error) {
        SharedSession session = membership.session();
        TopicPartition tp = record.topicPartition();
        switch (type) {
            case ACCEPT -> session.ack(tp, record.offset(), record.deliveryCount());
            case RELEASE -> {
                session.release(tp, record.offset(), record.deliveryCount(), error);
                membership.signal().signal();
            }
            case REJECT -> {
                // A fenced reject writes no dead letter.
                if (session.checkHolds(tp, record.offset(), record.deliveryCount())) {
                    membership.deadLetter(record, record.deliveryCount(), DeadLetterCause.REJECTED, error);
                }
            }
            case RENEW -> session.renew(tp, record.offset(), record.deliveryCount());
        }
    }

    /** Empty: a SHARED member owns no partitions. */
    @Override
    public Set<TopicPartition> assignment() {
        return new LinkedHashSet<>();
    }

    /** Leaves the group: the records it holds are available to the others at once. */
    @Override
    public void close() {
        if (!membership.isClosed() && membership.closeAndLeave()) {
            membership.signal().signal();
        }
    }
}
