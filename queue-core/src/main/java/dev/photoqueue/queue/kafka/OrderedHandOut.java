package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hand-out of an ORDERED group member's fetched records. Guarantee: a record is handed out
 * only after the commit of its delivery count (at-least-once) or of the position past it
 * (at-most-once) succeeded, and only with its partition's committed progress known; when either
 * fails nothing is handed out and the partitions are read again from the first record of the
 * batch, so no record is skipped.
 *
 * <p>Not thread-safe: runs inside the member's poll, under {@link KafkaGroupConsumer}'s lock.
 */
final class OrderedHandOut {

    private final KafkaBackend backend;
    private final GroupConsumerConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OwnedPartitions owned;

    OrderedHandOut(KafkaBackend backend, GroupConsumerConfig config, KafkaConsumer<byte[], byte[]> consumer,
                   OwnedPartitions owned) {
        this.backend = backend;
        this.config = config;
        this.consumer = consumer;
        this.owned = owned;
    }

    /**
     * Turns fetched records into deliveries: skips records already done, dead-letters the ones
     * past their maximum, counts the rest and commits the counts (or, at-most-once, the position
     * past them) before they are returned. When that commit fails (the broker is away, or the
     * member was fenced) nothing is handed out: the progress is put back as it was and the
     * partitions are read again from the first record of this batch, so no record is skipped; a
     * record dead-lettered in this batch may be dead-lettered once more then.
     */
    List<ConsumerRecord> handOut(ConsumerRecords<byte[], byte[]> fetched, BatchedAckCommitter commits) {
        readUnreadProgress(fetched);
        List<ConsumerRecord> out = new ArrayList<>();
        Set<TopicPartition> touched = new LinkedHashSet<>();
        Map<TopicPartition, OrderedProgress> before = new HashMap<>();
        Map<TopicPartition, Long> firstFetched = new HashMap<>();
        for (var r : fetched) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            OwnedPartition o = owned.get(tp);
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
                backend.deadLetters().write(config.groupId(), record, previous, DeadLetterCause.MAX_DELIVERIES,
                        DeadLetters.pastMaxDeliveriesError(o.lastError.remove(r.offset()), previous));
                o.progress.ack(r.offset());
                continue;
            }
            int count = o.progress.deliver(r.offset());
            o.outstanding.put(r.offset(), count);
            out.add(KafkaQueueConsumer.fromKafka(r, count));
        }
        if (config.delivery() == DeliveryGuarantee.AT_MOST_ONCE) {
            for (ConsumerRecord r : out) {
                OwnedPartition o = owned.get(r.topicPartition());
                o.progress.doneBefore(r.offset() + 1);
                o.outstanding.remove(r.offset());
            }
        }
        if (!touched.isEmpty()) {
            try {
                commits.commit(touched, true);
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
            OwnedPartition o = owned.get(r.topicPartition());
            if (o != null) {
                o.outstanding.remove(r.offset());
            }
        }
        before.forEach((tp, progress) -> {
            OwnedPartition o = owned.get(tp);
            if (o != null) {
                o.progress = progress;
                consumer.seek(KafkaQueueConsumer.toKafka(tp), firstFetched.get(tp));
            }
        });
    }

    /**
     * Reads the committed progress of the fetched partitions whose progress could not be read at
     * assignment. When it still cannot be read, the fetched partitions are read again from the
     * first record fetched, and the failure is thrown: nothing is handed out or skipped.
     */
    private void readUnreadProgress(ConsumerRecords<byte[], byte[]> fetched) {
        Set<org.apache.kafka.common.TopicPartition> unread = new LinkedHashSet<>();
        for (var ktp : fetched.partitions()) {
            OwnedPartition o = owned.get(KafkaQueueConsumer.fromKafka(ktp));
            if (o != null && o.progressUnread) {
                unread.add(ktp);
            }
        }
        if (unread.isEmpty()) {
            return;
        }
        try {
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed = consumer.committed(unread);
            for (var ktp : unread) {
                OwnedPartitions.setProgress(owned.get(KafkaQueueConsumer.fromKafka(ktp)), committed.get(ktp));
            }
        } catch (KafkaException e) {
            for (var ktp : fetched.partitions()) {
                consumer.seek(ktp, fetched.records(ktp).get(0).offset());
            }
            throw e;
        }
    }
}
