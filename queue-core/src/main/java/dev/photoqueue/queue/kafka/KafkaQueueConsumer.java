package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A manually assigned consumer over a {@link KafkaConsumer} without a group: positions live in
 * this object only. Reads stop at the high watermark ({@code read_uncommitted} never returns a
 * record past it), so what it returns is on every in-sync replica. Not thread-safe: one thread,
 * like the Kafka consumer underneath (which enforces it).
 */
final class KafkaQueueConsumer implements Consumer {

    private final KafkaBackend backend;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private boolean closed;

    KafkaQueueConsumer(KafkaBackend backend, ConsumerConfig config) {
        this.backend = backend;
        Map<String, Object> props = backend.config().clientBase();
        props.put("enable.auto.commit", false);
        // Records of transactions that did not commit are never read (exactly-once, TransactionalProducer).
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", "earliest");
        props.put("max.poll.records", config.maxPollRecords());
        props.put("max.partition.fetch.bytes", config.fetchMaxBytes());
        props.putIfAbsent("client.id", "photoqueue-consumer");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        Map<String, Integer> counts = new HashMap<>();
        for (TopicPartition tp : partitions) {
            // Fails with UnknownTopicException before Kafka would wait for a topic that is not there.
            int count = counts.computeIfAbsent(tp.topic(), backend::partitionCount);
            if (tp.partition() >= count) {
                throw new dev.photoqueue.queue.api.UnknownPartitionException(tp.topic(), tp.partition(), count);
            }
        }
        consumer.assign(toKafka(partitions));
    }

    @Override
    public Set<TopicPartition> assignment() {
        ensureOpen();
        return fromKafka(consumer.assignment());
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        ensureOpen();
        var tp = toKafka(partition);
        long start = consumer.beginningOffsets(List.of(tp)).get(tp);
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException(partition, offset, start, end);
        }
        consumer.seek(tp, offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        ensureOpen();
        consumer.seekToBeginning(toKafka(partitions));
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        ensureOpen();
        consumer.seekToEnd(toKafka(partitions));
    }

    @Override
    public long position(TopicPartition partition) {
        ensureOpen();
        return consumer.position(toKafka(partition));
    }

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        ensureOpen();
        try {
            return Collections.unmodifiableList(fromKafka(consumer.poll(timeout), 0));
        } catch (KafkaException e) {
            throw KafkaErrors.translate(e, backend.config(), "poll " + consumer.assignment(), null);
        }
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        ensureOpen();
        return byOurs(consumer.beginningOffsets(toKafka(partitions)));
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        ensureOpen();
        return byOurs(consumer.endOffsets(toKafka(partitions)));
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
        ensureOpen();
        Map<org.apache.kafka.common.TopicPartition, Long> query = new HashMap<>();
        timestamps.forEach((tp, ts) -> query.put(toKafka(tp), ts));
        Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
        consumer.offsetsForTimes(query).forEach((tp, found) -> {
            if (found != null) {
                out.put(fromKafka(tp), new OffsetAndTimestamp(found.offset(), found.timestamp()));
            }
        });
        return out;
    }

    private void ensureOpen() {
        if (closed) {
            throw new QueueClosedException("consumer");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                consumer.close();
            } finally {
                backend.closed(this);
            }
        }
    }

    // ------------------------------------------------------------ conversions shared by the package

    static org.apache.kafka.common.TopicPartition toKafka(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }

    static List<org.apache.kafka.common.TopicPartition> toKafka(Collection<TopicPartition> tps) {
        List<org.apache.kafka.common.TopicPartition> out = new ArrayList<>(tps.size());
        for (TopicPartition tp : tps) {
            out.add(toKafka(tp));
        }
        return out;
    }

    static TopicPartition fromKafka(org.apache.kafka.common.TopicPartition tp) {
        return new TopicPartition(tp.topic(), tp.partition());
    }

    static Set<TopicPartition> fromKafka(Collection<org.apache.kafka.common.TopicPartition> tps) {
        Set<TopicPartition> out = new LinkedHashSet<>();
        for (var tp : tps) {
            out.add(fromKafka(tp));
        }
        return out;
    }

    static <V> Map<TopicPartition, V> byOurs(Map<org.apache.kafka.common.TopicPartition, V> in) {
        Map<TopicPartition, V> out = new HashMap<>();
        in.forEach((tp, v) -> out.put(fromKafka(tp), v));
        return out;
    }

    static ConsumerRecord fromKafka(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r,
                                    int deliveryCount) {
        List<Header> headers = new ArrayList<>();
        for (var h : r.headers()) {
            headers.add(new Header(h.key(), h.value()));
        }
        return new ConsumerRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(),
                List.copyOf(headers), deliveryCount);
    }

    static List<ConsumerRecord> fromKafka(ConsumerRecords<byte[], byte[]> records, int deliveryCount) {
        List<ConsumerRecord> out = new ArrayList<>(records.count());
        for (var r : records) {
            out.add(fromKafka(r, deliveryCount));
        }
        return out;
    }
}
