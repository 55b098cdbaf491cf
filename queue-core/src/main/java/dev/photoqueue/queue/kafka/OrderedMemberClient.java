package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Kafka consumer under an ORDERED group member: its settings, and the join that gives the
 * member its id.
 *
 * <p>Guarantees: the consumer never commits on its own (auto-commit off: the member commits its
 * per-record progress), reads only records of committed transactions ({@code read_committed}),
 * and is dropped from the group by Kafka after {@code sessionTimeoutMs} without a poll
 * ({@code max.poll.interval.ms}). {@link #awaitMemberId} returns only once Kafka has named the
 * member, and leaves every record it fetched on the way to be polled again, uncounted.
 *
 * <p>Not thread-safe: called under {@link KafkaGroupConsumer}'s lock, like every call into the
 * Kafka consumer.
 */
final class OrderedMemberClient {

    private OrderedMemberClient() {
    }

    /** A Kafka consumer of the consumer group protocol (KIP-848) with the member's settings. */
    static KafkaConsumer<byte[], byte[]> create(KafkaConfig kafka, GroupConsumerConfig config) {
        return new KafkaConsumer<>(settings(kafka, config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The settings of the member's Kafka consumer. */
    static Map<String, Object> settings(KafkaConfig kafka, GroupConsumerConfig config) {
        Map<String, Object> props = kafka.clientBase();
        props.put("group.id", config.groupId());
        props.put("client.id", config.clientId());
        props.put("group.protocol", "consumer");
        props.put("group.remote.assignor", config.assignor() == Assignor.RANGE ? "range" : "uniform");
        props.put("enable.auto.commit", false);
        // Records of transactions that did not commit are never read (exactly-once, TransactionalProducer).
        props.put("isolation.level", "read_committed");
        props.put("auto.offset.reset", config.autoOffsetReset().name().toLowerCase(Locale.ROOT));
        props.put("max.poll.records", config.maxPollRecords());
        props.put("max.partition.fetch.bytes", config.fetchMaxBytes());
        props.put("max.poll.interval.ms", (int) Math.min(Integer.MAX_VALUE, config.sessionTimeoutMs()));
        return props;
    }

    /**
     * Polls until Kafka has given the member its id, so that the member is named from subscribe
     * on, as on the in-house backend. Records fetched meanwhile (an assignment can come with the
     * first heartbeat) are put back with a seek, uncounted, for the first poll.
     * {@link BackendUnavailableException} when no id came within the connect timeout. Returns the
     * {@link System#nanoTime} at which its last poll began, from which Kafka counts the member's
     * poll interval.
     */
    static long awaitMemberId(KafkaConsumer<byte[], byte[]> consumer, KafkaConfig kafka, String groupId,
                              Supplier<String> memberId) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(kafka.connectTimeoutMs());
        long lastPollNanos = System.nanoTime();
        while (memberId.get() == null) {
            lastPollNanos = System.nanoTime();
            if (lastPollNanos - deadline > 0) {
                throw new BackendUnavailableException(kafka.bootstrapServers(), kafka.connectTimeoutMs(),
                        "join group " + groupId, null);
            }
            Map<TopicPartition, Long> firsts = new HashMap<>();
            try {
                for (var r : consumer.poll(Duration.ofMillis(10))) {
                    firsts.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                }
            } catch (KafkaException e) {
                throw KafkaErrors.translate(e, kafka, "join group " + groupId, null);
            }
            firsts.forEach(consumer::seek);
        }
        return lastPollNanos;
    }
}
