package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.group.SharedSession;
import dev.photoqueue.queue.log.DataSignal;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.spi.MemberChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 * of returned. A member removed for silence loses its locks and joins again. Not thread-safe.
 */
final class InhouseSharedConsumer implements GroupConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(InhouseSharedConsumer.class);
    /** Releases and lock expiries by other members do not signal the log: look again at least this often. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final InhouseBackend backend;
    private final GroupCoordinator coordinator;
    private final GroupConsumerConfig config;
    private final DeadLetterWriter deadLetters;
    private Set<String> topics;
    private SharedSession session;
    private int rotation;
    private boolean closed;

    InhouseSharedConsumer(InhouseBackend backend, GroupCoordinator coordinator, GroupConsumerConfig config) {
        this.backend = backend;
        this.coordinator = coordinator;
        this.config = config;
        this.deadLetters = new DeadLetterWriter(backend.log());
    }

    @Override
    public void subscribe(Collection<String> newTopics, RebalanceListener ignored) {
        MemberChecks.ensureUnsubscribed(closed, session != null, config.groupId(), memberId(), topics);
        topics = backend.subscribableTopics(newTopics);
        session = coordinator.joinShared(config, topics);
    }

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        MemberChecks.ensureSubscribed(closed, session != null, config.groupId());
        long deadline = System.nanoTime() + timeout.toNanos();
        DataSignal signal = backend.log().signal();
        while (true) {
            long seen = signal.version();
            if (session.isRemoved()) {
                LOG.info("member {} of group {} was removed; joining again", session.memberId(), config.groupId());
                session = coordinator.joinShared(config, topics);
            }
            List<ConsumerRecord> records = collect();
            if (!records.isEmpty()) {
                return records;
            }
            if (!signal.awaitBefore(seen, deadline, RECHECK_NANOS)) {
                return List.of();
            }
        }
    }

    private List<TopicPartition> partitions() {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            int n = backend.topic(topic).partitionCount();
            for (int p = 0; p < n; p++) {
                out.add(new TopicPartition(topic, p));
            }
        }
        return out;
    }

    private List<ConsumerRecord> collect() {
        List<TopicPartition> partitions = partitions();
        int n = partitions.size();
        List<ConsumerRecord> out = new ArrayList<>();
        try {
            for (int i = 0; i < n && out.size() < config.maxPollRecords(); i++) {
                out.addAll(take(partitions.get((rotation + i) % n), config.maxPollRecords() - out.size()));
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

    private List<ConsumerRecord> take(TopicPartition tp, int max) {
        PartitionLog log = backend.topic(tp.topic()).partition(tp.partition());
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
                if (e.offset() < e.logStartOffset()) {
                    LOG.warn("group {}: records of {} from offset {} were deleted by retention; continuing at {}",
                            config.groupId(), tp, e.offset(), e.logStartOffset());
                    session.skipTo(tp, e.logStartOffset());
                    continue;
                }
                break;
            }
            List<ConsumerRecord> taken = session.take(tp, fetched, max - out.size());
            if (taken.isEmpty()) {
                break;
            }
            for (ConsumerRecord r : taken) {
                if (r.deliveryCount() > config.maxDeliveries()) {
                    deadLetter(r, r.deliveryCount() - 1, DeadLetterCause.MAX_DELIVERIES,
                            DeadLetters.pastMaxDeliveriesError(session.lastError(tp, r.offset()), r.deliveryCount() - 1));
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

    /** Writes the dead letter, waits for it to be acknowledged, then counts the record done. */
    private void deadLetter(ConsumerRecord record, int deliveries, DeadLetterCause cause, String error) {
        deadLetters.deadLetter(config.groupId(), record, deliveries, cause, error);
        session.ack(record.topicPartition(), record.offset(), record.deliveryCount());
    }

    /**
     * Settles the record under this member's lock; {@link dev.photoqueue.queue.api.FencedMemberException}
     * when the lock expired or another member holds it now. RELEASE makes it available at once (no backoff).
     */
    @Override
    public void acknowledge(ConsumerRecord record, AckType type, String error) {
        MemberChecks.ensureSubscribed(closed, session != null, config.groupId());
        TopicPartition tp = record.topicPartition();
        switch (type) {
            case ACCEPT -> session.ack(tp, record.offset(), record.deliveryCount());
            case RELEASE -> {
                session.release(tp, record.offset(), record.deliveryCount(), error);
                backend.log().signal().signal();
            }
            case REJECT -> {
                // A fenced reject writes no dead letter.
                if (session.checkHolds(tp, record.offset(), record.deliveryCount())) {
                    deadLetter(record, record.deliveryCount(), DeadLetterCause.REJECTED, error);
                }
            }
            case RENEW -> session.renew(tp, record.offset(), record.deliveryCount());
        }
    }

    @Override
    public void commitSync() {
        MemberChecks.ensureSubscribed(closed, session != null, config.groupId());
        session.commitSync();
    }

    /** Empty: a SHARED member owns no partitions. */
    @Override
    public Set<TopicPartition> assignment() {
        return new LinkedHashSet<>();
    }

    @Override
    public String groupId() {
        return config.groupId();
    }

    @Override
    public String memberId() {
        return session == null ? null : session.memberId();
    }

    /** Leaves the group: the records it holds are available to the others at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (session != null && !session.isRemoved()) {
            session.leave();
            backend.log().signal().signal();
        }
    }
}
