package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The offset commits of an ORDERED group member: acks in batches, everything else at once.
 * Guarantee: the partitions acked since the last commit are committed in the background
 * ({@code commitAsync}) at most {@value #ACK_COMMIT_INTERVAL_MS} ms after the last batch, from the
 * member's next ack or poll or from the backend's timer; a {@link #commit synchronous commit}
 * (commitSync, revoke, close, before a hand-out) carries the pending acks of its partitions too. A
 * failed background commit marks its partitions pending again, so it is retried with the next
 * one; a refused synchronous commit is thrown as {@link FencedMemberException} when Kafka no
 * longer counts the member in.
 *
 * <p>Not thread-safe on its own: it runs under {@link KafkaGroupConsumer}'s lock. The backend's
 * timer thread only tries that lock, so it never waits for a member in a poll (the poll commits
 * due acks itself), and leaves alone a member that is not subscribed, is closing, or has been
 * silent past its session timeout (Kafka would refuse its commits).
 */
final class BatchedAckCommitter {

    /** Logs as the member it commits for, so log settings for KafkaGroupConsumer still apply. */
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupConsumer.class);

    /** Longest time an ack waits for its background commit, while the member acks or polls. */
    static final long ACK_COMMIT_INTERVAL_MS = 100;

    private final KafkaBackend backend;
    private final GroupConsumerConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OwnedPartitions owned;
    private final Supplier<String> memberId;
    /** The member's lock, which every call into the Kafka consumer holds. */
    private final ReentrantLock lock;
    /** Whether the timer may commit for the member now; asked under the lock. */
    private final BooleanSupplier timerMayCommit;
    /** Owned partitions with acks not committed yet. */
    private final Set<TopicPartition> acksPending = new TreeSet<>();
    private long lastAckCommitNanos = System.nanoTime();
    private ScheduledFuture<?> timer;

    BatchedAckCommitter(KafkaBackend backend, GroupConsumerConfig config, KafkaConsumer<byte[], byte[]> consumer,
                        OwnedPartitions owned, Supplier<String> memberId, ReentrantLock lock,
                        BooleanSupplier timerMayCommit) {
        this.backend = backend;
        this.config = config;
        this.consumer = consumer;
        this.owned = owned;
        this.memberId = memberId;
        this.lock = lock;
        this.timerMayCommit = timerMayCommit;
    }

    /** Has the backend's timer commit the member's due acks when the member makes no call. */
    void startTimer(ScheduledExecutorService ackCommitTimer) {
        timer = ackCommitTimer.scheduleWithFixedDelay(this::commitAcksFromTimer,
                ACK_COMMIT_INTERVAL_MS / 2, ACK_COMMIT_INTERVAL_MS / 2, TimeUnit.MILLISECONDS);
    }

    void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** The timer's turn: commits due acks unless the member is in a call (which commits them itself). */
    private void commitAcksFromTimer() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (timerMayCommit.getAsBoolean()) {
                commitAcksIfDue();
            }
        } catch (RuntimeException e) {
            // the member's next call commits them, or they are delivered again (at-least-once)
            LOG.debug("group {}: timed commit of acks failed: {}", config.groupId(), e.toString());
        } finally {
            lock.unlock();
        }
    }

    /** Marks an ack of {@code tp} for the next batch commit, and commits the batch if it is due. */
    void acked(TopicPartition tp) {
        acksPending.add(tp);
        commitAcksIfDue();
    }

    /** Marks {@code tp} for the next batch commit without committing now. */
    void addPending(TopicPartition tp) {
        acksPending.add(tp);
    }

    /** No commit is due for these partitions any more (the member gave them up). */
    void forget(Collection<TopicPartition> partitions) {
        acksPending.removeAll(partitions);
    }

    void clear() {
        acksPending.clear();
    }

    /** {@code waitNanos}, shortened so that a poll returns when the pending acks' batch is due. */
    long boundWait(long waitNanos) {
        if (acksPending.isEmpty()) {
            return waitNanos;
        }
        long commitLeft = lastAckCommitNanos + TimeUnit.MILLISECONDS.toNanos(ACK_COMMIT_INTERVAL_MS)
                - System.nanoTime();
        return Math.max(0, Math.min(waitNanos, commitLeft));
    }

    /** Commits the partitions with pending acks in the background when the last batch is {@value #ACK_COMMIT_INTERVAL_MS} ms old. */
    void commitAcksIfDue() {
        if (acksPending.isEmpty()
                || System.nanoTime() - lastAckCommitNanos < TimeUnit.MILLISECONDS.toNanos(ACK_COMMIT_INTERVAL_MS)) {
            return;
        }
        commit(List.copyOf(acksPending), false);
    }

    /**
     * Commits the progress of these owned partitions, waiting when {@code sync}; their pending
     * acks are part of it. A failed background commit marks its partitions pending again.
     */
    void commit(Collection<TopicPartition> partitions, boolean sync) {
        if (!sync) {
            lastAckCommitNanos = System.nanoTime();
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = owned.offsets(partitions);
        acksPending.removeAll(partitions);
        if (offsets.isEmpty()) {
            return;
        }
        if (!sync) {
            try {
                consumer.commitAsync(offsets, (committed, e) -> {
                    if (e != null) {
                        // runs on a thread calling into the consumer, under this member's lock
                        LOG.debug("group {}: background commit of {} failed, retried with the next: {}",
                                config.groupId(), offsets.keySet(), e.toString());
                        markPending(offsets.keySet());
                    }
                });
            } catch (KafkaException e) {
                // an ack is done for this member either way; its commit is retried with the next batch
                LOG.debug("group {}: background commit of {} not sent, retried with the next: {}", config.groupId(),
                        offsets.keySet(), e.toString());
                markPending(offsets.keySet());
            }
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (RuntimeException e) {
            markPending(offsets.keySet());
            throw translateCommitFailure(e, offsets);
        }
    }

    /** These partitions' progress is to be committed again, those still owned. */
    private void markPending(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        for (var ktp : partitions) {
            TopicPartition tp = KafkaQueueConsumer.fromKafka(ktp);
            if (owned.owns(tp)) {
                acksPending.add(tp);
            }
        }
    }

    /** A refused commit as the queue API reports it: fenced when Kafka no longer counts this member in. */
    private RuntimeException translateCommitFailure(RuntimeException failure,
                                                    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets) {
        if (failure instanceof org.apache.kafka.clients.consumer.CommitFailedException
                || failure instanceof org.apache.kafka.common.errors.StaleMemberEpochException
                || failure instanceof org.apache.kafka.common.errors.UnknownMemberIdException
                || failure instanceof org.apache.kafka.common.errors.FencedMemberEpochException) {
            return new FencedMemberException(config.groupId(), memberId.get(), null,
                    "Kafka refused the commit of " + offsets.keySet() + ": " + failure.getMessage());
        }
        if (failure instanceof KafkaException) {
            return KafkaErrors.translate(failure, backend.config(), "commit the positions of group " + config.groupId(),
                    null);
        }
        return failure;
    }
}
