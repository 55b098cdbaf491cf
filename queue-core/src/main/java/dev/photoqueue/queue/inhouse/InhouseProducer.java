package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.log.TopicLog;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends straight into the partitions' group-commit buffers; there is no producer-side batching
 * because the log batches already. Keyed records go where {@link Partitioners#forKey} says,
 * unkeyed ones round-robin. Errors (unknown topic or partition, record too large, closed) come
 * back through the future. Thread-safe.
 *
 * <p>Back pressure: the append goes through {@link BacklogGate}, which lets it through only while
 * the target partition's backlog, counting the sends let through and not yet written, is under its
 * limit ({@code send} waits for room up to {@code producer.max.block.ms}, {@code trySend} does not
 * wait for consumers). The record limit is exact however many threads send at once.
 */
final class InhouseProducer implements Producer {

    private final InhouseBackend backend;
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** Topics this producer sent to: found once per name, flushed by {@link #flush}. */
    private final Map<String, TopicLog> topics = new ConcurrentHashMap<>();
    private volatile boolean closed;

    InhouseProducer(InhouseBackend backend) {
        this.backend = backend;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        return send(record, true);
    }

    @Override
    public CompletableFuture<RecordMetadata> trySend(ProducerRecord record) {
        return send(record, false);
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord record, boolean mayBlock) {
        Objects.requireNonNull(record, "record");
        if (closed) {
            return CompletableFuture.failedFuture(new QueueClosedException("producer"));
        }
        try {
            PartitionLog log = partitionFor(record);
            return backend.backlogGate().append(log, timestampOf(record), record.key(), record.value(),
                    record.headers(), mayBlock ? backend.producerMaxBlockMs() : 0);
        } catch (QueueException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The partition the record goes to, once the partition's backlog has room (waiting for it when
     * {@code mayBlock}, else failing at once with {@link dev.photoqueue.queue.api.BacklogFullException}).
     * Reserves no room: for a transaction's sends, which are written at its commit.
     */
    PartitionLog route(ProducerRecord record, boolean mayBlock) {
        PartitionLog log = partitionFor(record);
        if (mayBlock) {
            backend.backlogGate().awaitRoom(log, backend.producerMaxBlockMs());
        } else {
            backend.backlogGate().checkRoom(log);
        }
        return log;
    }

    /** The partition the record goes to: its own, its key's, or the next in turn. */
    private PartitionLog partitionFor(ProducerRecord record) {
        TopicLog topic = topics.get(record.topic());
        if (topic == null) {
            topic = topics.computeIfAbsent(record.topic(), backend::topic);
        }
        int partition;
        if (record.partition() != null) {
            partition = record.partition();
        } else if (record.key() != null) {
            partition = Partitioners.forKey(record.key(), topic.partitionCount());
        } else {
            partition = Math.floorMod(roundRobin.getAndIncrement(), topic.partitionCount());
        }
        return topic.partition(partition);
    }

    long timestampOf(ProducerRecord record) {
        return record.timestamp() != null ? record.timestamp() : backend.log().clock().millis();
    }

    /** Writes the partitions of every topic this producer sent to; its sends have completed when it returns. */
    @Override
    public void flush() {
        for (TopicLog topic : topics.values()) {
            for (PartitionLog log : topic.partitions()) {
                log.drain();
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            flush();
            closed = true;
        }
    }
}
