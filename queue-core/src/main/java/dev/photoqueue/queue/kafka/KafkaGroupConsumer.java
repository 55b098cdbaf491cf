package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
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
 * {@value #ACK_COMMIT_INTERVAL_MS} ms, from the next ack or poll once that time is up (a poll
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
 *
 * <p>Meant for one thread, as the Kafka consumer is; calls from several threads are serialised
 * (one lock), and the backend's timer thread takes that lock to commit the acks of a member that
 * acked and then went quiet.
 */
final class KafkaGroupConsumer implements GroupConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupConsumer.class);

    /** Longest time an ack waits for its background commit, while the member acks or polls. */
    static final long ACK_COMMIT_INTERVAL_MS = 100;

    /** What this member knows of a partition it owns now. */
    private static final class Owned {
        /** Null until the partition's committed offset or first position is known. */
        OrderedProgress progress;
        /** Offsets handed out in this ownership and not yet settled, with the delivery count they carried. */
        final Map<Long, Integer> outstanding = new HashMap<>();
        /** The error of the last release, per offset: kept for the dead letter. */
        final Map<Long, String> lastError = new HashMap<>();
        /** System.nanoTime after which a paused (released) partition is read again; 0 when not paused. */
        long resumeAtNanos;
    }

    private final KafkaBackend backend;
    private final GroupConsumerConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Owned> owned = new TreeMap<>();
    private RebalanceListener listener = RebalanceListener.NONE;
    /**
     * Held by every call into the Kafka consumer, by the member's thread and by the backend's
     * ack-commit timer, which commits the pending acks of a member that stopped calling in (the
     * Kafka consumer allows any thread, one at a time). The timer only tries it: while the member
     * is in a poll, the poll commits them itself.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private ScheduledFuture<?> ackCommitter;
    /** Owned partitions with acks not committed yet. */
    private final Set<TopicPartition> acksPending = new java.util.TreeSet<>();
    private long lastAckCommitNanos = System.nanoTime();
    private boolean subscribed;
    private long lastPollNanos = System.nanoTime();
    private boolean closing;
    private boolean closed;

    KafkaGroupConsumer(KafkaBackend backend, GroupConsumerConfig config) {
        this.backend = backend;
        this.config = config;
        Map<String, Object> props = backend.config().clientBase();
        props.put("group.id", config.groupId());
        props.put("client.id", config.clientId());
        props.put("group.protocol", "consumer");
        props.put("group.remote.assignor", config.assignor() == Assignor.RANGE ? "range" : "uniform");
        props.put("enable.auto.commit", false);
        // Records of transactions that did not commit are never read (exactly-once, TransactionalProducer).
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", config.autoOffsetReset().name().toLowerCase(java.util.Locale.ROOT));
        props.put("max.poll.records", config.maxPollRecords());
        props.put("max.partition.fetch.bytes", config.fetchMaxBytes());
        props.put("max.poll.interval.ms", (int) Math.min(Integer.MAX_VALUE, config.sessionTimeoutMs()));
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void subscribe(Collection<String> topics, RebalanceListener newListener) {
        lock.lock();
        try {
            ensureOpen();
            if (subscribed) {
                throw new IllegalStateException("member " + memberId() + " of group " + config.groupId()
                        + " is already subscribed to " + consumer.subscription());
            }
            Set<String> checked = backend.subscribableTopics(topics);
            KafkaGroupTypes.requireConsumerOrAbsent(backend, config.groupId());
            listener = newListener;
            consumer.subscribe(checked, new Callbacks());
            subscribed = true;
            ackCommitter = backend.ackCommitTimer().scheduleWithFixedDelay(this::commitAcksFromTimer,
                    ACK_COMMIT_INTERVAL_MS / 2, ACK_COMMIT_INTERVAL_MS / 2, TimeUnit.MILLISECONDS);
            lastPollNanos = System.nanoTime();
            awaitMemberId();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Polls until Kafka has given this member its id, so that {@link #memberId} names the member
     * from subscribe on, as on the in-house backend. Records fetched meanwhile (an assignment can
     * come with the first heartbeat) are put back with a seek, uncounted, for the first poll.
     */
    private void awaitMemberId() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backend.config().connectTimeoutMs());
        while (memberId() == null) {
            if (System.nanoTime() - deadline > 0) {
                throw new dev.photoqueue.queue.api.BackendUnavailableException(backend.config().bootstrapServers(),
                        backend.config().connectTimeoutMs(), "join group " + config.groupId(), null);
            }
            Map<org.apache.kafka.common.TopicPartition, Long> firsts = new HashMap<>();
            try {
                for (var r : consumer.poll(Duration.ofMillis(10))) {
                    firsts.putIfAbsent(new org.apache.kafka.common.TopicPartition(r.topic(), r.partition()), r.offset());
                }
            } catch (KafkaException e) {
                throw KafkaErrors.translate(e, backend.config(), "join group " + config.groupId(), null);
            }
            firsts.forEach(consumer::seek);
            lastPollNanos = System.nanoTime();
        }
    }

    // ------------------------------------------------------------------ poll

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        lock.lock();
        try {
            ensureSubscribed();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<ConsumerRecord> out = pollOnce(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (!out.isEmpty() || deadline - System.nanoTime() <= 0) {
                    return out;
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
        lastPollNanos = System.nanoTime();
        try {
            commitAcksIfDue();
            long pauseLeft = resumeDuePartitions();
            long wait = pauseLeft > 0 ? Math.min(timeout.toNanos(), pauseLeft) : timeout.toNanos();
            if (!acksPending.isEmpty()) {
                long commitLeft = lastAckCommitNanos + TimeUnit.MILLISECONDS.toNanos(ACK_COMMIT_INTERVAL_MS)
                        - System.nanoTime();
                wait = Math.max(0, Math.min(wait, commitLeft));
            }
            return handOut(consumer.poll(Duration.ofNanos(wait)));
        } catch (KafkaException e) {
            throw KafkaErrors.translate(e, backend.config(), "poll as member of group " + config.groupId(), null);
        } finally {
            lastPollNanos = System.nanoTime();
        }
    }

    /** Resumes partitions whose backoff ended; returns nanos until the next one ends (0: none paused). */
    private long resumeDuePartitions() {
        long now = System.nanoTime();
        long next = 0;
        for (Map.Entry<TopicPartition, Owned> e : owned.entrySet()) {
            Owned o = e.getValue();
            if (o.resumeAtNanos == 0) {
                continue;
            }
            long left = o.resumeAtNanos - now;
            if (left <= 0) {
                o.resumeAtNanos = 0;
                consumer.resume(List.of(KafkaQueueConsumer.toKafka(e.getKey())));
            } else {
                next = next == 0 ? left : Math.min(next, left);
            }
        }
        return next;
    }

    /**
     * Turns fetched records into deliveries: skips records already done, dead-letters the ones
     * past their maximum, counts the rest and commits the counts (or, at-most-once, the position
     * past them) before they are returned. When that commit fails (the broker is away, or the
     * member was fenced) nothing is handed out: the progress is put back as it was and the
     * partitions are read again from the first record of this batch, so no record is skipped; a
     * record dead-lettered in this batch may be dead-lettered once more then.
     */
    private List<ConsumerRecord> handOut(org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> fetched) {
        List<ConsumerRecord> out = new ArrayList<>();
        Set<TopicPartition> touched = new LinkedHashSet<>();
        Map<TopicPartition, OrderedProgress> before = new HashMap<>();
        Map<TopicPartition, Long> firstFetched = new HashMap<>();
        for (var r : fetched) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            Owned o = owned.get(tp);
            if (o == null || o.resumeAtNanos != 0) {
                continue; // lost meanwhile, or released: read again from the released record after the backoff
            }
            if (o.progress == null) {
                o.progress = new OrderedProgress(r.offset());
            }
            if (o.progress.isDone(r.offset())) {
                continue;
            }
            touched.add(tp);
            before.computeIfAbsent(tp, k -> o.progress.copy());
            firstFetched.putIfAbsent(tp, r.offset());
            int previous = o.progress.deliveries(r.offset());
            if (previous + 1 > config.maxDeliveries()) {
                ConsumerRecord record = KafkaQueueConsumer.fromKafka(r, previous);
                backend.deadLetters().write(config.groupId(), record, previous, o.lastError.remove(r.offset()));
                o.progress.ack(r.offset());
                continue;
            }
            int count = o.progress.deliver(r.offset());
            o.outstanding.put(r.offset(), count);
            out.add(KafkaQueueConsumer.fromKafka(r, count));
        }
        if (config.delivery() == DeliveryGuarantee.AT_MOST_ONCE) {
            for (ConsumerRecord r : out) {
                Owned o = owned.get(r.topicPartition());
                o.progress.doneBefore(r.offset() + 1);
                o.outstanding.remove(r.offset());
            }
        }
        if (!touched.isEmpty()) {
            try {
                commit(touched, true);
            } catch (RuntimeException e) {
                undoHandOut(before, firstFetched, out);
                throw e;
            }
        }
        return out;
    }

    /** Takes back a hand-out whose commit failed: progress as it was, positions at the first record fetched. */
    private void undoHandOut(Map<TopicPartition, OrderedProgress> before, Map<TopicPartition, Long> firstFetched,
                             List<ConsumerRecord> out) {
        for (ConsumerRecord r : out) {
            Owned o = owned.get(r.topicPartition());
            if (o != null) {
                o.outstanding.remove(r.offset());
            }
        }
        before.forEach((tp, progress) -> {
            Owned o = owned.get(tp);
            if (o != null) {
                o.progress = progress;
                consumer.seek(KafkaQueueConsumer.toKafka(tp), firstFetched.get(tp));
            }
        });
    }

    // ------------------------------------------------------------------ acks

    @Override
    public void acknowledge(ConsumerRecord record, AckType type, String error) {
        lock.lock();
        try {
            ensureSubscribed();
            if (type == AckType.RENEW) {
                throw new IllegalArgumentException("ack type RENEW extends a lock on a record in SHARED mode; an ORDERED "
                        + "group consumer (group " + config.groupId() + ") holds no locks: settle "
                        + record.topicPartition() + "@" + record.offset() + " with ACCEPT, RELEASE or REJECT");
            }
            TopicPartition tp = record.topicPartition();
            Owned o = current(tp, record);
            if (o == null) {
                return; // done already: acking twice is harmless
            }
            switch (type) {
                case ACCEPT -> {
                    o.outstanding.remove(record.offset());
                    o.progress.ack(record.offset());
                    acked(tp);
                }
                case REJECT -> {
                    backend.deadLetters().write(config.groupId(), record, record.deliveryCount(), error);
                    o.outstanding.remove(record.offset());
                    o.lastError.remove(record.offset());
                    o.progress.ack(record.offset());
                    acked(tp);
                }
                case RELEASE -> release(tp, o, record, error);
                default -> throw new IllegalStateException("unhandled ack type " + type);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The partition's state when {@code record} is a current delivery of this member; null when
     * the record is done already; {@link FencedMemberException} when the member no longer owns the
     * partition, was removed for silence, or the record was delivered again since.
     */
    private Owned current(TopicPartition tp, ConsumerRecord record) {
        Owned o = owned.get(tp);
        if (o == null) {
            throw fenced(tp, "it does not own " + tp + " (any more)");
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
        if (silentMs > config.sessionTimeoutMs()) {
            throw fenced(tp, "it has not polled for " + silentMs + " ms, past its session timeout of "
                    + config.sessionTimeoutMs() + " ms, so Kafka removed it from the group");
        }
        if (o.progress != null && o.progress.isDone(record.offset())) {
            return null;
        }
        Integer count = o.outstanding.get(record.offset());
        if (count == null || count != record.deliveryCount()) {
            throw fenced(tp, "record " + tp + "@" + record.offset() + " with delivery count " + record.deliveryCount()
                    + " is not a current delivery to this member" + (count == null ? "" : " (current: " + count + ")"));
        }
        return o;
    }

    /** The partition continues from the released record after a backoff; later deliveries come again after it. */
    private void release(TopicPartition tp, Owned o, ConsumerRecord record, String error) {
        long offset = record.offset();
        // The records handed out behind it come again after it: that hand-out does not count, so a
        // record released again and again does not use up the deliveries of the records behind it.
        o.outstanding.keySet().stream().filter(off -> off > offset).forEach(o.progress::undeliver);
        o.outstanding.keySet().removeIf(off -> off >= offset);
        if (error != null) {
            o.lastError.put(offset, error);
        }
        var ktp = KafkaQueueConsumer.toKafka(tp);
        consumer.seek(ktp, offset);
        long backoffMs = backoffMs(record.deliveryCount());
        if (backoffMs > 0) {
            consumer.pause(List.of(ktp));
            o.resumeAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
        }
    }

    /** retryBackoffMs doubled per delivery after the first, capped, +-20 % jitter. */
    private long backoffMs(int deliveryCount) {
        if (config.retryBackoffMs() == 0) {
            return 0;
        }
        double raw = config.retryBackoffMs() * Math.pow(2, Math.max(0, deliveryCount - 1));
        double capped = Math.min(raw, config.retryBackoffMaxMs());
        return Math.round(capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }

    // ------------------------------------------------------------------ commits

    @Override
    public void commitSync() {
        lock.lock();
        try {
            ensureSubscribed();
            commit(owned.keySet(), true);
        } finally {
            lock.unlock();
        }
    }

    /** The timer's turn: commits due acks unless the member is in a call (which commits them itself). */
    private void commitAcksFromTimer() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
            // past its session timeout Kafka has removed the member: its commits would be refused
            if (subscribed && !closing && !closed && silentMs <= config.sessionTimeoutMs()) {
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
    private void acked(TopicPartition tp) {
        acksPending.add(tp);
        commitAcksIfDue();
    }

    /** Commits the partitions with pending acks in the background when the last batch is {@value #ACK_COMMIT_INTERVAL_MS} ms old. */
    private void commitAcksIfDue() {
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
    private void commit(Collection<TopicPartition> partitions, boolean sync) {
        if (!sync) {
            lastAckCommitNanos = System.nanoTime();
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Owned o = owned.get(tp);
            if (o == null) {
                continue;
            }
            var ktp = KafkaQueueConsumer.toKafka(tp);
            if (o.progress == null) {
                o.progress = new OrderedProgress(consumer.position(ktp));
            }
            offsets.put(ktp, new OffsetAndMetadata(o.progress.base(), o.progress.encode()));
        }
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
            if (owned.containsKey(tp)) {
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
            return new FencedMemberException(config.groupId(), memberId(), null,
                    "Kafka refused the commit of " + offsets.keySet() + ": " + failure.getMessage());
        }
        if (failure instanceof KafkaException) {
            return KafkaErrors.translate(failure, backend.config(), "commit the positions of group " + config.groupId(),
                    null);
        }
        return failure;
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
            ensureSubscribed();
            Map<TopicPartition, OrderedProgress> after = new TreeMap<>();
            for (ConsumerRecord r : inputs) {
                TopicPartition tp = r.topicPartition();
                Owned o = current(tp, r);
                if (o == null) {
                    throw fenced(tp, "record " + tp + "@" + r.offset() + " is done already; the transaction changed nothing");
                }
                after.computeIfAbsent(tp, k -> o.progress.copy()).ack(r.offset());
            }
            commit(after.keySet(), true);
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
            for (ConsumerRecord r : inputs) {
                Owned o = owned.get(r.topicPartition());
                if (o != null && o.progress != null) {
                    o.outstanding.remove(r.offset());
                    o.lastError.remove(r.offset());
                    o.progress.ack(r.offset());
                    // the transaction committed a copy; this member's next commit must carry its acks too
                    acksPending.add(r.topicPartition());
                }
            }
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

    // ------------------------------------------------------------------ rebalance callbacks

    /** Kafka's callbacks, run inside {@code consumer.poll} on this member's thread. */
    private final class Callbacks implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (partitions.isEmpty() || closing) {
                return;
            }
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed =
                    consumer.committed(new LinkedHashSet<>(partitions));
            List<TopicPartition> ours = new ArrayList<>();
            for (var ktp : partitions) {
                TopicPartition tp = KafkaQueueConsumer.fromKafka(ktp);
                Owned o = new Owned();
                OffsetAndMetadata c = committed.get(ktp);
                if (c != null) {
                    o.progress = OrderedProgress.decode(c.offset(), c.metadata());
                }
                owned.put(tp, o);
                ours.add(tp);
            }
            listener.onPartitionsAssigned(ours);
        }

        @Override
        public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (partitions.isEmpty() || closing) {
                return;
            }
            List<TopicPartition> ours = new ArrayList<>(KafkaQueueConsumer.fromKafka(partitions));
            ours.removeIf(tp -> !owned.containsKey(tp));
            if (ours.isEmpty()) {
                return;
            }
            try {
                listener.onPartitionsRevoked(ours);
                commit(ours, true);
            } catch (FencedMemberException e) {
                LOG.warn("group {}: progress of revoked {} not committed: {}", config.groupId(), ours, e.getMessage());
            } finally {
                unpause(ours);
                ours.forEach(owned::remove);
                acksPending.removeAll(ours);
            }
        }

        @Override
        public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (partitions.isEmpty() || closing) {
                return;
            }
            List<TopicPartition> ours = new ArrayList<>(KafkaQueueConsumer.fromKafka(partitions));
            ours.removeIf(tp -> !owned.containsKey(tp));
            unpause(ours);
            ours.forEach(owned::remove);
            acksPending.removeAll(ours);
            if (!ours.isEmpty()) {
                LOG.info("member {} of group {} lost {} (removed from the group); it joins again", memberId(),
                        config.groupId(), ours);
                listener.onPartitionsLost(ours);
            }
        }
    }

    private void unpause(Collection<TopicPartition> partitions) {
        List<org.apache.kafka.common.TopicPartition> paused = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Owned o = owned.get(tp);
            if (o != null && o.resumeAtNanos != 0) {
                paused.add(KafkaQueueConsumer.toKafka(tp));
            }
        }
        if (!paused.isEmpty()) {
            consumer.resume(paused);
        }
    }

    // ------------------------------------------------------------------ the rest

    @Override
    public Set<TopicPartition> assignment() {
        lock.lock();
        try {
            return new LinkedHashSet<>(owned.keySet());
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

    private FencedMemberException fenced(TopicPartition tp, String reason) {
        return new FencedMemberException(config.groupId(), memberId(), tp, reason);
    }

    private void ensureOpen() {
        if (closed) {
            throw new QueueClosedException("group consumer of group " + config.groupId());
        }
    }

    private void ensureSubscribed() {
        ensureOpen();
        if (!subscribed) {
            throw new IllegalStateException("subscribe before polling or acking (group " + config.groupId() + ")");
        }
    }

    /**
     * The last commit of a closing member. A failure is logged, not thrown: the member leaves
     * anyway, and what the commit would have recorded is delivered again (at-least-once).
     */
    private void commitOnClose(List<TopicPartition> partitions) {
        try {
            commit(partitions, true);
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
        if (ackCommitter != null) {
            ackCommitter.cancel(false);
        }
        lock.lock();
        try {
            if (closed || closing) {
                return;
            }
            try {
                if (subscribed && !owned.isEmpty()) {
                    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
                    if (silentMs <= config.sessionTimeoutMs()) {
                        List<TopicPartition> all = List.copyOf(owned.keySet());
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
                acksPending.clear();
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
