package dev.photoqueue.bench;

import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FsyncPolicy;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicConfigs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What every group phase runs on: the in-house backend opened through {@link QueueBackends#open}
 * on its own data dir, with one topic of {@code partitions} partitions under
 * {@code fsync=interval} (stated explicitly, as in {@link LogWorkload}), and one consumer group
 * whose members consume at-least-once (the default, stated explicitly too). Closing closes the
 * backend; the caller deletes the dir. Thread-safe as the backend is; each member it hands out
 * belongs to one thread. The {@code open} factories create the topic; the constructor expects it
 * to exist.
 */
record GroupWorkload(QueueBackend backend, String topic, String group) implements AutoCloseable {

    static final String TOPIC = "bench-group";
    static final String GROUP = "bench";

    /** On the in-house backend, on its own data dir, with topic {@value #TOPIC} and group {@value #GROUP}. */
    static GroupWorkload open(Path dataDir, int partitions) {
        return open(Map.of(QueueBackends.BACKEND, "inhouse", "data.dir", dataDir.toString()), TOPIC, GROUP,
                partitions);
    }

    /** As {@link #open(Path, int)}, with the backend's {@code internal.fsync} set to {@code internalFsync}. */
    static GroupWorkload open(Path dataDir, int partitions, String internalFsync) {
        return open(Map.of(QueueBackends.BACKEND, "inhouse", "data.dir", dataDir.toString(), "internal.fsync",
                internalFsync), TOPIC, GROUP, partitions);
    }

    /**
     * On the backend {@code settings} open (for Kafka, whose topics outlive a round, {@code topic}
     * and {@code group} must be new names), creating {@code topic}.
     */
    static GroupWorkload open(Map<String, String> settings, String topic, String group, int partitions) {
        QueueBackend backend = QueueBackends.open(settings);
        try {
            backend.admin().createTopic(new NewTopic(topic, partitions, (short) 1,
                    Map.of(TopicConfigs.FSYNC, FsyncPolicy.INTERVAL.configValue())));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        return new GroupWorkload(backend, topic, group);
    }

    /**
     * A new member of the group, at-least-once, default poll size (500 records) and fetch size
     * (1 MiB); not yet subscribed.
     */
    GroupConsumer member(String clientId, long sessionTimeoutMs) {
        return backend.groupConsumer(GroupConsumerConfig.builder(group)
                .clientId(clientId)
                .delivery(DeliveryGuarantee.AT_LEAST_ONCE)
                .sessionTimeoutMs(sessionTimeoutMs)
                .build());
    }

    /**
     * Sends {@code count} unkeyed records (spread round-robin over the partitions) from this
     * thread, one producer, then flushes: when it returns every send is acknowledged or failed.
     * The futures are not kept; {@link #requireEndOffsets} proves none failed.
     */
    void produce(long count, byte[] value) {
        try (Producer producer = backend.producer()) {
            for (long i = 0; i < count; i++) {
                producer.send(new ProducerRecord(topic, null, null, value, null, List.of()));
            }
            producer.flush();
        }
    }

    /** The sum of the partitions' end offsets: every acknowledged record of the topic. */
    long endOffsets() {
        return backend.admin().describeTopic(topic).partitions().stream().mapToLong(PartitionInfo::endOffset).sum();
    }

    /** Fails unless the topic holds exactly {@code expected} acknowledged records. */
    void requireEndOffsets(long expected) {
        long end = endOffsets();
        if (end != expected) {
            throw new IllegalStateException("after flush, topic " + topic + " holds " + end + " records, expected "
                    + expected + ": some sends were not acknowledged");
        }
    }

    GroupDescription describeGroup() {
        return backend.admin().describeGroup(group);
    }

    /** Fails unless the group's lag over all partitions is {@code expected}. */
    GroupDescription requireLag(long expected) {
        GroupDescription group = describeGroup();
        if (group.totalLag() != expected) {
            throw new IllegalStateException("group " + group + " has a lag of " + group.totalLag() + ", expected "
                    + expected + ": " + group.partitions());
        }
        return group;
    }

    @Override
    public void close() {
        backend.close();
    }
}
