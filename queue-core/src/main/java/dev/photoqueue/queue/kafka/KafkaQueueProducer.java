package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.RecordTooLargeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sends through one {@link KafkaProducer} with {@code acks=all} and idempotence on: a future
 * completes once every in-sync replica has the record, and retries never duplicate or reorder a
 * partition's records. Keyed records go to the partition {@link Partitioners#forKey} picks (the
 * same as Kafka's default partitioner, computed here so both backends agree by construction);
 * unkeyed ones are spread by Kafka's sticky partitioner. Thread-safe, like the Kafka producer.
 *
 * <p>With {@code kafka.send.timeout.ms} set, every send's future completes within it
 * ({@link KafkaConfig#producerTimeouts}); one that fails on an error Kafka retried completes with
 * a {@link BackendUnavailableException} whose {@code outcomeUnknown()} is true.
 *
 * <p>Kafka has no back pressure from consumer lag: {@link #trySend} behaves as {@link #send}, and
 * the in-house settings {@code max.backlog.*} are refused when a topic is created.
 */
final class KafkaQueueProducer implements Producer {

    static final int MAX_REQUEST_BYTES = 1 << 20;

    private final KafkaBackend backend;
    private final KafkaProducer<byte[], byte[]> producer;
    private volatile boolean closed;

    KafkaQueueProducer(KafkaBackend backend) {
        this.backend = backend;
        Map<String, Object> props = backend.config().clientBase();
        props.put("acks", "all");
        props.put("enable.idempotence", true);
        props.putAll(backend.config().producerTimeouts());
        props.put("max.request.size", MAX_REQUEST_BYTES);
        props.putIfAbsent("client.id", "photoqueue-producer");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        Objects.requireNonNull(record, "record");
        if (closed) {
            return CompletableFuture.failedFuture(new QueueClosedException("producer"));
        }
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(toKafka(record, producer), (md, error) -> {
                if (error != null) {
                    result.completeExceptionally(translateDelivery(error, record, backend.config()));
                } else {
                    result.complete(new RecordMetadata(md.topic(), md.partition(), md.offset(), md.timestamp()));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(translate(e, record));
        }
        return result;
    }

    @Override
    public CompletableFuture<RecordMetadata> trySend(ProducerRecord record) {
        return send(record);
    }

    private QueueException translate(Throwable error, ProducerRecord record) {
        return translate(error, record, backend.config());
    }

    private static long approximateSize(ProducerRecord record) {
        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header h : record.headers()) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    /** The Kafka record for {@code record}: a keyed record goes to the partition {@link Partitioners#forKey} picks. */
    static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> toKafka(ProducerRecord record,
                                                                                     KafkaProducer<byte[], byte[]> producer) {
        Integer partition = record.partition();
        if (partition == null && record.key() != null) {
            partition = Partitioners.forKey(record.key(), producer.partitionsFor(record.topic()).size());
        }
        return new org.apache.kafka.clients.producer.ProducerRecord<>(record.topic(), partition, record.timestamp(),
                record.key(), record.value(), toKafka(record.headers()));
    }

    /**
     * A failure Kafka reported after the record left {@code send}: one it gave up retrying (a
     * timeout, too few in-sync replicas, no leader) leaves the outcome unknown, since an earlier
     * attempt may have reached the leader, which can still commit it; any other error (a record
     * too large, a topic that does not exist) means it was not written.
     */
    static QueueException translateDelivery(Throwable error, ProducerRecord record, KafkaConfig config) {
        if (error instanceof org.apache.kafka.common.errors.RetriableException) {
            long waited = config.sendTimeoutMs() > 0 ? config.sendTimeoutMs() : config.requestTimeoutMs();
            return new BackendUnavailableException(config.bootstrapServers(), waited, "send to " + record.topic()
                    + (record.partition() == null ? "" : "-" + record.partition()), error, true);
        }
        return translate(error, record, config);
    }

    /** A send's failure as the queue API reports it. */
    static QueueException translate(Throwable error, ProducerRecord record, KafkaConfig config) {
        if (error instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
            return new RecordTooLargeException(record.topic(), approximateSize(record), MAX_REQUEST_BYTES);
        }
        return KafkaErrors.translate(error, config, "send to " + record.topic()
                + (record.partition() == null ? "" : "-" + record.partition()), record.topic());
    }

    static List<org.apache.kafka.common.header.Header> toKafka(List<Header> headers) {
        List<org.apache.kafka.common.header.Header> out = new ArrayList<>(headers.size());
        for (Header h : headers) {
            out.add(new RecordHeader(h.key(), h.value()));
        }
        return out;
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                producer.close();
            } finally {
                backend.closed(this);
            }
        }
    }
}
