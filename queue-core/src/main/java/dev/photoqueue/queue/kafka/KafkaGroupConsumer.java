package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.spi.MemberChecks;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A member of an ORDERED consumer group over a {@link KafkaConsumer} of the consumer group
 * protocol ({@code group.protocol=consumer}, KIP-848): the broker assigns partitions (its
 * {@code uniform} assignor for STICKY, {@code range} for RANGE), this class keeps per-record acks.
 *
 * <p>Guarantees. The committed offset of a partition is its first record not yet done; the
 * commit's metadata carries the acked records above it and the delivery counts
 * ({@link OrderedProgress}). Under at-least-once, a poll commits the delivery counts of what it
 * returns <em>before</em> returning (one synchronous commit per poll), so a record that crashes
 * the process every time still reaches {@code maxDeliveries} and the dead-letter topic. Under
 * at-most-once the poll commits the position past the records before returning them. Acks are
 * committed in batches, as the in-house backend persists its positions: the partitions acked since
 * the last commit are committed in the background ({@code commitAsync}) at most every
 * {@value BatchedAckCommitter#ACK_COMMIT_INTERVAL_MS} ms, from the next ack or poll once that time is up (a poll
 * waits no longer than that while acks are pending) or from the backend's timer when the member
 * makes no call meanwhile; synchronously by {@link #commitSync}, on
 * close, and for a revoked partition after the rebalance listener ran, so acks made inside the
 * callback count. A crash loses at most the last interval's acks: those records are delivered
 * again (at-least-once); a failed background commit is retried with the next one.
 * A released record's partition is paused for the backoff and read again from that record.
 *
 * <p>Liveness is Kafka's: the {@code sessionTimeoutMs} of the configuration is the consumer's
 * {@code max.poll.interval.ms}. A member that does not poll for that long leaves the group (its
 * partitions are reassigned, its acks are fenced from then on) and is told at its next poll that
 * its partitions were lost. Unlike the in-house log, an ack alone does not keep a member alive.
 * The member refuses acks past that time by its own clock; when the poll comes before Kafka's
 * heartbeat thread has acted on its clock (a busy machine), Kafka keeps the member, and the poll
 * reads the refused records again itself, so none stays outstanding with no one to deliver it.
 *
 * <p>Meant for one thread, as the Kafka consumer is; calls from several threads are serialised
 * (one lock), and the backend's timer thread takes that lock to commit the acks of a member that
 * acked and then went quiet. The parts share that lock and none of their own: the owned
 * partitions ({@link OwnedPartitions}), the hand-out ({@link OrderedHandOut}), the commits
 * ({@link BatchedAckCommitter}), Kafka's rebalance callbacks ({@link RebalanceCallbacks}), which
 * run inside this member's poll, and the Kafka consumer's settings and join
 * ({@link OrderedMemberClient}).
 */
final class KafkaGroupConsumer implements GroupConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupConsumer.class);

    private final KafkaBackend backend;
    private final GroupConsumerConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OwnedPartitions owned;
    private final OrderedHandOut handOut;
    private final BatchedAckCommitter commits;
    private RebalanceListener listener = RebalanceListener.NONE;
    /**
     * Held by every call into the Kafka consumer, by the member's thread and by the backend's
     * ack-commit timer, which commits the pending acks of a member that stopped calling in (the
     * Kafka consumer allows any thread, one at a time). The timer only tries it: while the member
     * is in a poll, the poll commits them itself.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private boolean subscribed;
    private long lastPollNanos = System.nanoTime();
    private boolean closing;
    private boolean closed;

    KafkaGroupConsumer(KafkaBackend backend, GroupConsumerConfig config) {
        this(backend, config, OrderedMemberClient.create(backend.config(), config));
    }

    /**
     * Over a Kafka consumer made elsewhere: tests give one with a fault a real broker cannot be
     * given on cue (a {@code max.poll.interval.ms} longer than the member's session timeout, as a
     * starved heartbeat thread makes it in effect; a failing read of committed offsets; a poll
     * that returns late).
     */
    KafkaGroupConsumer(KafkaBackend backend, GroupConsumerConfig config, KafkaConsumer<byte[], byte[]> consumer) {
        this.backend = backend;
        this.config = config;
        this.consumer = consumer;
        this.owned = new OwnedPartitions(backend, config, consumer, this::memberId);
        this.handOut = new OrderedHandOut(backend, config, consumer, owned);
        this.commits = new BatchedAckCommitter(backend, config, consumer, owned, this::memberId, lock,
                this::timerMayCommit);
    }

    @Override
    public void subscribe(Collection<String> topics, RebalanceListener newListener) {
        lock.lock();
        try {
            MemberChecks.ensureOpen(closed, config.groupId());
            if (subscribed) {
                throw new IllegalStateException("member " + memberId() + " of group " + config.groupId()
                        + " is already subscribed to " + consumer.subscription());
            }
            Set<String> checked = backend.subscribableTopics(topics);
            KafkaGroupTypes.requireConsumerOrAbsent(backend, config.groupId());
            listener = newListener;
            consumer.subscribe(checked, new RebalanceCallbacks(this, owned, commits));
            subscribed = true;
            commits.startTimer(backend.ackCommitTimer());
            lastPollNanos = System.nanoTime();
            lastPollNanos = OrderedMemberClient.awaitMemberId(consumer, backend.config(), config.groupId(),
                    this::memberId);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ poll

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        lock.lock();
        try {
            MemberChecks.ensureSubscribed(closed, subscribed, config.groupId());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<ConsumerRecord> out = pollOnce(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (!out.isEmpty() || deadline - System.nanoTime() <= 0) {
                    return Collections.unmodifiableList(out);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One Kafka poll of at most {@code timeout} (less while a paused partition or a batch of acks is
     * due), turned into deliveries.
     */
    private List<ConsumerRecord> pollOnce(Duration timeout) {
        // Kafka counts the poll interval from a poll's start (and from each of its internal rounds),
        // so the member's own clock starts there too, never later: once Kafka has removed the member
        // for silence, so has the member's clock, and an ack from then on is fenced. A Kafka poll
        // made here waits at most half the session timeout, so the two clocks stay close.
        lastPollNanos = System.nanoTime();
        try {
            owned.readAgainSettledLate();
            commits.commitAcksIfDue();
            long pauseLeft = owned.resumeDuePartitions();
            long wait = pauseLeft > 0 ? Math.min(timeout.toNanos(), pauseLeft) : timeout.toNanos();
            wait = Math.min(commits.boundWait(wait), TimeUnit.MILLISECONDS.toNanos(config.sessionTimeoutMs()) / 2);
            return handOut.handOut(consumer.poll(Duration.ofNanos(wait)), commits);
        } catch (KafkaException e) {
            throw KafkaErrors.translate(e, backend.config(), "poll as member of group " + config.groupId(), null);
        }
    }

    // ------------------------------------------------------------------ acks

    @Override
    public void acknowledge(ConsumerRecord record, AckType type, String error) {
        lock.lock();
        try {
            MemberChecks.ensureSubscribed(closed, subscribed, config.groupId());
            if (type == AckType.RENEW) {
                throw new IllegalArgumentException("ack type RENEW extends a lock on a record in SHARED mode; an ORDERED "
                        + "group consumer (group " + config.groupId() + ") holds no locks: settle "
                        + record.topicPartition() + "@" + record.offset() + " with ACCEPT, RELEASE or REJECT");
            }
            TopicPartition tp = record.topicPartition();
            OwnedPartition o = owned.current(tp, record, lastPollNanos);
            if (o == null) {
                return; // done already: acking twice is harmless
            }
            switch (type) {
                case ACCEPT -> {
                    o.outstanding.remove(record.offset());
                    o.progress.ack(record.offset());
                    commits.acked(tp);
                }
                case REJECT -> {
                    backend.deadLetters().write(config.groupId(), record, record.deliveryCount(), DeadLetterCause.REJECTED,
                            error);
                    o.outstanding.remove(record.offset());
                    o.lastError.remove(record.offset());
                    o.progress.ack(record.offset());
                    commits.acked(tp);
                }
                case RELEASE -> owned.release(tp, o, record, error);
                default -> throw new IllegalStateException("unhandled ack type " + type);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void commitSync() {
        lock.lock();
        try {
            MemberChecks.ensureSubscribed(closed, subscribed, config.groupId());
            commits.commit(owned.partitions(), true);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ transactions

    /**
     * What a transaction commits for {@code inputs} (deliveries to this member): per partition, the
     * progress as it would be with them acked. First commits the current progress synchronously,
     * so no background commit sent earlier can land after the transaction's and move the position
     * back. {@link FencedMemberException} when an input is not a current delivery of this member,
     * or is done already (a transaction must not publish outputs for it twice).
     */
    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> transactionOffsets(List<ConsumerRecord> inputs) {
        lock.lock();
        try {
            MemberChecks.ensureSubscribed(closed, subscribed, config.groupId());
            Map<TopicPartition, OrderedProgress> after = owned.progressWithAcked(inputs, lastPollNanos);
            commits.commit(after.keySet(), true);
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            after.forEach((tp, p) -> offsets.put(KafkaQueueConsumer.toKafka(tp), new OffsetAndMetadata(p.base(), p.encode())));
            return offsets;
        } finally {
            lock.unlock();
        }
    }

    /** This member's generation and id, which the broker checks the transaction's offsets against. */
    org.apache.kafka.clients.consumer.ConsumerGroupMetadata groupMetadata() {
        lock.lock();
        try {
            return consumer.groupMetadata();
        } finally {
            lock.unlock();
        }
    }

    /** After a transaction with {@code inputs} committed: they are done for this member too. */
    void ackedInTransaction(List<ConsumerRecord> inputs) {
        lock.lock();
        try {
            owned.ackedInTransaction(inputs, commits);
        } finally {
            lock.unlock();
        }
    }

    GroupConsumerConfig config() {
        return config;
    }

    /** Offset commits this member's Kafka consumer sent so far (its {@code commit-total} metric); for tests. */
    long commitsSent() {
        lock.lock();
        try {
            return consumer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("commit-total") && e.getKey().group().contains("coordinator"))
                    .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
                    .sum();
        } finally {
            lock.unlock();
        }
    }

    KafkaBackend backend() {
        return backend;
    }

    /** Whether a callback runs inside this member's close, which revokes the partitions itself. */
    boolean closing() {
        return closing;
    }

    RebalanceListener listener() {
        return listener;
    }

    /** Whether the backend's timer may commit this member's acks now; asked under the lock. */
    private boolean timerMayCommit() {
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
        // past its session timeout Kafka has removed the member: its commits would be refused
        return subscribed && !closing && !closed && silentMs <= config.sessionTimeoutMs();
    }

    // ------------------------------------------------------------------ the rest

    @Override
    public Set<TopicPartition> assignment() {
        lock.lock();
        try {
            return new LinkedHashSet<>(owned.partitions());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String groupId() {
        return config.groupId();
    }

    @Override
    public String memberId() {
        lock.lock();
        try {
            if (!subscribed || closed) {
                return subscribed ? lastMemberId : null;
            }
            String id = consumer.groupMetadata().memberId();
            if (id != null && !id.isEmpty()) {
                lastMemberId = id;
            }
            return lastMemberId;
        } finally {
            lock.unlock();
        }
    }

    private String lastMemberId;

    /**
     * The last commit of a closing member. A failure is logged, not thrown: the member leaves
     * anyway, and what the commit would have recorded is delivered again (at-least-once).
     */
    private void commitOnClose(List<TopicPartition> partitions) {
        try {
            commits.commit(partitions, true);
        } catch (dev.photoqueue.queue.api.QueueException e) {
            LOG.warn("group {}: closing member {} could not commit the progress of {}; their unacked records will be "
                    + "delivered again: {}", config.groupId(), memberId(), partitions, e.getMessage());
        }
    }

    /**
     * Revokes every owned partition through the listener while acks still work, commits their
     * progress, then leaves the group (Kafka's close sends the leave at once, so the partitions
     * move without waiting for a timeout). A member already removed for silence only leaves.
     */
    @Override
    public void close() {
        commits.stopTimer();
        lock.lock();
        try {
            if (closed || closing) {
                return;
            }
            try {
                if (subscribed && !owned.isEmpty()) {
                    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
                    if (silentMs <= config.sessionTimeoutMs()) {
                        List<TopicPartition> all = List.copyOf(owned.partitions());
                        try {
                            listener.onPartitionsRevoked(all);
                        } finally {
                            commitOnClose(all);
                        }
                    }
                }
            } finally {
                closing = true;
                memberId();
                owned.clear();
                commits.clear();
                closed = true;
                try {
                    consumer.close();
                } finally {
                    backend.closed(this);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}

