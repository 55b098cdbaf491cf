package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The partitions an ORDERED group member owns now, with their progress ({@link OrderedProgress})
 * and the deliveries outstanding in each, and the settling of those deliveries; the hand-out of
 * fetched records is {@link OrderedHandOut}'s.
 *
 * <p>Not thread-safe: every method runs under {@link KafkaGroupConsumer}'s lock, on the member's
 * thread (its calls and the rebalance callbacks inside its poll) or on the backend's timer thread
 * while that holds the lock to commit acks.
 */
final class OwnedPartitions {

    /** Logs as the member it serves, so log settings for KafkaGroupConsumer still apply. */
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupConsumer.class);

    private final KafkaBackend backend;
    private final GroupConsumerConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Supplier<String> memberId;
    private final Map<TopicPartition, OwnedPartition> owned = new TreeMap<>();

    OwnedPartitions(KafkaBackend backend, GroupConsumerConfig config, KafkaConsumer<byte[], byte[]> consumer,
                    Supplier<String> memberId) {
        this.backend = backend;
        this.config = config;
        this.consumer = consumer;
        this.memberId = memberId;
    }

    OwnedPartition get(TopicPartition tp) {
        return owned.get(tp);
    }

    boolean owns(TopicPartition tp) {
        return owned.containsKey(tp);
    }

    /** A live view of the owned partitions, in order. */
    Set<TopicPartition> partitions() {
        return owned.keySet();
    }

    boolean isEmpty() {
        return owned.isEmpty();
    }

    void clear() {
        owned.clear();
    }

    // ------------------------------------------------------------------ ownership

    /**
     * Takes newly assigned partitions, with their progress as last committed; returns them. Never
     * throws for a failed read of that progress: Kafka would leave the partitions assigned but not
     * fetched until the next rebalance. They are taken with the progress unread, read before
     * their first hand-out ({@link #readUnreadProgress}).
     */
    List<TopicPartition> assign(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(new LinkedHashSet<>(partitions));
        } catch (KafkaException e) {
            LOG.warn("group {}: the committed progress of {} could not be read at assignment; it is read before "
                    + "their first records are handed out: {}", config.groupId(), partitions,
                    StorageException.reason(e));
            committed = null;
        }
        List<TopicPartition> ours = new ArrayList<>();
        for (var ktp : partitions) {
            TopicPartition tp = KafkaQueueConsumer.fromKafka(ktp);
            OwnedPartition o = new OwnedPartition();
            if (committed == null) {
                o.progressUnread = true;
            } else {
                setProgress(o, committed.get(ktp));
            }
            owned.put(tp, o);
            ours.add(tp);
        }
        return ours;
    }

    static void setProgress(OwnedPartition o, OffsetAndMetadata committed) {
        o.progressUnread = false;
        if (committed != null) {
            o.progress = OrderedProgress.decode(committed.offset(), committed.metadata());
        }
    }

    /** Those of {@code partitions} this member owns. */
    List<TopicPartition> ownedOf(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        List<TopicPartition> ours = new ArrayList<>(KafkaQueueConsumer.fromKafka(partitions));
        ours.removeIf(tp -> !owned.containsKey(tp));
        return ours;
    }

    /** Gives up these partitions (revoked or lost), resuming the paused ones first. */
    void remove(Collection<TopicPartition> partitions) {
        unpause(partitions);
        partitions.forEach(owned::remove);
    }

    private void unpause(Collection<TopicPartition> partitions) {
        List<org.apache.kafka.common.TopicPartition> paused = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OwnedPartition o = owned.get(tp);
            if (o != null && o.resumeAtNanos != 0) {
                paused.add(KafkaQueueConsumer.toKafka(tp));
            }
        }
        if (!paused.isEmpty()) {
            consumer.resume(paused);
        }
    }

    /**
     * What a commit of these partitions records: per owned partition its first record not yet
     * done, with the progress above it as metadata. A partition with no progress yet starts at
     * its position.
     */
    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets(Collection<TopicPartition> partitions) {
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OwnedPartition o = owned.get(tp);
            if (o == null || o.progressUnread) {
                continue;
            }
            var ktp = KafkaQueueConsumer.toKafka(tp);
            if (o.progress == null) {
                o.progress = new OrderedProgress(consumer.position(ktp));
            }
            offsets.put(ktp, new OffsetAndMetadata(o.progress.base(), o.progress.encode()));
        }
        return offsets;
    }

    // ------------------------------------------------------------------ hand-out

    /** Resumes partitions whose backoff ended; returns nanos until the next one ends (0: none paused). */
    long resumeDuePartitions() {
        long now = System.nanoTime();
        long next = 0;
        for (Map.Entry<TopicPartition, OwnedPartition> e : owned.entrySet()) {
            OwnedPartition o = e.getValue();
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

    // ------------------------------------------------------------------ settling deliveries

    /**
     * The partition's state when {@code record} is a current delivery of this member; null when
     * the record is done already; {@link FencedMemberException} when the member no longer owns the
     * partition, was removed for silence (no poll since {@code lastPollNanos} for longer than its
     * session timeout), or the record was delivered again since.
     */
    OwnedPartition current(TopicPartition tp, ConsumerRecord record, long lastPollNanos) {
        OwnedPartition o = owned.get(tp);
        if (o == null) {
            throw fenced(tp, "it does not own " + tp + " (any more)");
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
        Integer count = o.outstanding.get(record.offset());
        if (silentMs > config.sessionTimeoutMs()) {
            if (count != null && count == record.deliveryCount()) {
                o.settledLate.add(record.offset());
            }
            throw fenced(tp, "it has not polled for " + silentMs + " ms, past its session timeout of "
                    + config.sessionTimeoutMs() + " ms, so Kafka removes it from the group; the record comes again");
        }
        if (o.progress != null && o.progress.isDone(record.offset())) {
            return null;
        }
        if (count == null || count != record.deliveryCount()) {
            throw fenced(tp, "record " + tp + "@" + record.offset() + " with delivery count " + record.deliveryCount()
                    + " is not a current delivery to this member" + (count == null ? "" : " (current: " + count + ")"));
        }
        return o;
    }

    /**
     * Per partition of {@code inputs}, a copy of its progress with them acked; this member's own
     * progress is unchanged. {@link FencedMemberException} as {@link #current}, and when an input
     * is done already (a transaction must not publish outputs for it twice).
     */
    Map<TopicPartition, OrderedProgress> progressWithAcked(List<ConsumerRecord> inputs, long lastPollNanos) {
        Map<TopicPartition, OrderedProgress> after = new TreeMap<>();
        for (ConsumerRecord r : inputs) {
            TopicPartition tp = r.topicPartition();
            OwnedPartition o = current(tp, r, lastPollNanos);
            if (o == null) {
                throw fenced(tp, "record " + tp + "@" + r.offset() + " is done already; the transaction changed nothing");
            }
            after.computeIfAbsent(tp, k -> o.progress.copy()).ack(r.offset());
        }
        return after;
    }

    /** After a transaction with {@code inputs} committed: they are done for this member too. */
    void ackedInTransaction(List<ConsumerRecord> inputs, BatchedAckCommitter commits) {
        for (ConsumerRecord r : inputs) {
            OwnedPartition o = owned.get(r.topicPartition());
            if (o != null && o.progress != null) {
                o.outstanding.remove(r.offset());
                o.lastError.remove(r.offset());
                o.progress.ack(r.offset());
                // the transaction committed a copy; this member's next commit must carry its acks too
                commits.addPending(r.topicPartition());
            }
        }
    }

    /**
     * Before a poll: the partitions still owned with deliveries refused as settled too late are
     * read again from the first of them. Kafka kept the member (its heartbeat thread had not yet
     * seen the poll interval run out when the poll came), so no other member will get these
     * records: without this they would stay outstanding here, and the committed offset stuck
     * before them, while the member lives. Each refused delivery counts, as a delivery to a member
     * removed for silence does; the ones handed out after it and not refused come again uncounted.
     * A partition Kafka has taken away meanwhile is left alone: the poll tells it lost.
     */
    void readAgainSettledLate() {
        for (Map.Entry<TopicPartition, OwnedPartition> e : owned.entrySet()) {
            OwnedPartition o = e.getValue();
            if (o.settledLate.isEmpty()) {
                continue;
            }
            long from = o.settledLate.first();
            takeBackFrom(o, from, o.settledLate);
            var ktp = KafkaQueueConsumer.toKafka(e.getKey());
            if (consumer.assignment().contains(ktp)) {
                consumer.seek(ktp, from);
            }
        }
    }

    /** The partition continues from the released record after a backoff; later deliveries come again after it. */
    void release(TopicPartition tp, OwnedPartition o, ConsumerRecord record, String error) {
        long offset = record.offset();
        // The records handed out behind it come again after it: that hand-out does not count, so a
        // record released again and again does not use up the deliveries of the records behind it.
        takeBackFrom(o, offset, Set.of());
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

    /**
     * Takes back the partition's deliveries from {@code from} on, to be read again from there: the
     * outstanding ones after it that are not in {@code counted} do not count as delivered.
     */
    private static void takeBackFrom(OwnedPartition o, long from, Set<Long> counted) {
        o.outstanding.keySet().stream().filter(off -> off > from && !counted.contains(off))
                .forEach(o.progress::undeliver);
        o.outstanding.keySet().removeIf(off -> off >= from);
        o.settledLate.removeIf(off -> off >= from);
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

    private FencedMemberException fenced(TopicPartition tp, String reason) {
        return new FencedMemberException(config.groupId(), memberId.get(), tp, reason);
    }
}
