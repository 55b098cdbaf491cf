package dev.photoqueue.bench;

import dev.photoqueue.queue.api.FsyncPolicy;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What every log phase runs on: the in-house backend opened through {@link QueueBackends#open} on
 * its own data dir, with one topic of one partition under {@code fsync=interval} (the default,
 * stated explicitly so a changed default does not silently change the figures). Records have no
 * key, no headers and a fixed value. Closing closes the backend; the caller deletes the dir.
 * Not thread-safe: one benchmark thread drives it.
 */
final class LogWorkload implements AutoCloseable {

    static final String TOPIC = "bench";
    static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private final QueueBackend backend;

    private LogWorkload(QueueBackend backend) {
        this.backend = backend;
    }

    static LogWorkload open(Path dataDir) {
        QueueBackend backend = QueueBackends.open(Map.of(
                QueueBackends.BACKEND, "inhouse",
                "data.dir", dataDir.toString()));
        try {
            backend.admin().createTopic(new NewTopic(TOPIC, 1, (short) 1,
                    Map.of(TopicConfigs.FSYNC, FsyncPolicy.INTERVAL.configValue())));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return new LogWorkload(backend);
    }

    /** Incompressible bytes, the same for every run. */
    static byte[] randomValue(int size) {
        byte[] value = new byte[size];
        new Random(size).nextBytes(value);
        return value;
    }

    QueueBackend backend() {
        return backend;
    }

    /**
     * Sends {@code count} records from this thread, one producer, no key, then flushes: when it
     * returns every send is acknowledged or failed. The futures are not kept (a producer that kept
     * ten million futures would measure its own heap); {@link #requireEndOffset} then proves none
     * failed, since a failed batch takes no offsets.
     */
    void append(long count, byte[] value) {
        try (Producer producer = backend.producer()) {
            for (long i = 0; i < count; i++) {
                producer.send(new ProducerRecord(TOPIC, null, null, value, null, List.of()));
            }
            producer.flush();
        }
    }

    /** Fails unless the partition's high watermark is {@code expected}: every send acknowledged. */
    void requireEndOffset(long expected) {
        long end = partition().endOffset();
        if (end != expected) {
            throw new IllegalStateException("after flush, " + PARTITION + " ends at offset " + end + ", expected "
                    + expected + ": some sends were not acknowledged");
        }
    }

    long sizeBytes() {
        return partition().sizeBytes();
    }

    private PartitionInfo partition() {
        return backend.admin().describeTopic(TOPIC).partitions().get(0);
    }

    @Override
    public void close() {
        backend.close();
    }
}
