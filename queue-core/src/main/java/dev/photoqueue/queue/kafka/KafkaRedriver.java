package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.spi.DeadLetterRedriver;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Sends dead letters back to the partition they came from. Which dead letters were redriven is
 * the committed progress of the internal group {@value DeadLetterRedriver#GROUP} on the dead-letter
 * partition (the same offset-plus-acked-above metadata as ORDERED members commit, see {@link OrderedProgress}),
 * written through the admin client since the group never has members. A dead letter is marked
 * only after its copy was acknowledged, so a crash in between redrives it twice rather than never.
 * Reads with a group-less consumer up to the end offset found at the start. One redrive at a time
 * in this backend (the methods are serialised); two processes redriving one topic at once may
 * both send a dead letter back.
 */
final class KafkaRedriver extends DeadLetterRedriver {

    private final KafkaBackend backend;

    KafkaRedriver(KafkaBackend backend) {
        this.backend = backend;
    }

    /** Reads partition 0 up to the end offset found at the start; marks each redrive in {@value #GROUP}. */
    @Override
    protected long scan(String dlqTopic, Predicate<ConsumerRecord> redrive, Predicate<ConsumerRecord> stopAfter) {
        if (!backend.topicExists(dlqTopic)) {
            throw new UnknownTopicException(dlqTopic);
        }
        TopicPartition tp = new TopicPartition(dlqTopic, 0);
        Map<String, Object> props = backend.config().clientBase();
        props.put("enable.auto.commit", false);
        // Records of transactions that did not commit are never read (exactly-once, TransactionalProducer).
        props.put("isolation.level", "read_committed");
        props.putIfAbsent("client.id", "photoqueue-redriver");
        long redriven = 0;
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            reader.assign(List.of(tp));
            long start = reader.beginningOffsets(List.of(tp)).get(tp);
            long end = reader.endOffsets(List.of(tp)).get(tp);
            OrderedProgress progress = committed(tp, start);
            reader.seek(tp, progress.base());
            while (reader.position(tp) < end) {
                for (var kr : reader.poll(Duration.ofMillis(200))) {
                    if (kr.offset() >= end) {
                        break;
                    }
                    if (progress.isDone(kr.offset())) {
                        continue;
                    }
                    ConsumerRecord r = KafkaQueueConsumer.fromKafka(kr, 0);
                    if (redrive.test(r)) {
                        KafkaErrors.await(backend.internalProducer().send(DeadLetters.redriveRecord(r)),
                                backend.config(), "redrive " + dlqTopic + "@" + r.offset(), dlqTopic);
                        progress.ack(r.offset());
                        commit(tp, progress);
                        redriven++;
                    }
                    if (stopAfter != null && stopAfter.test(r)) {
                        return finish(dlqTopic, redriven);
                    }
                }
            }
        }
        return finish(dlqTopic, redriven);
    }

    private OrderedProgress committed(TopicPartition tp, long start) {
        var spec = Map.of(GROUP, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp)));
        Map<TopicPartition, OffsetAndMetadata> offsets = KafkaErrors.await(
                backend.kafkaAdmin().listConsumerGroupOffsets(spec).partitionsToOffsetAndMetadata(GROUP),
                backend.config(), "read the redrive progress of " + tp, tp.topic());
        OffsetAndMetadata c = offsets.get(tp);
        if (c == null) {
            return new OrderedProgress(start);
        }
        OrderedProgress p = OrderedProgress.decode(c.offset(), c.metadata());
        p.doneBefore(start);
        return p;
    }

    private void commit(TopicPartition tp, OrderedProgress progress) {
        KafkaErrors.await(backend.kafkaAdmin().alterConsumerGroupOffsets(GROUP,
                        Map.of(tp, new OffsetAndMetadata(progress.base(), progress.encode()))).all(),
                backend.config(), "mark dead letters of " + tp + " redriven", tp.topic());
    }
}
