package dev.photoqueue.queue.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A record to send. {@code partition} null means "choose": by the key's murmur2 hash when
 * there is a key (the same partition Kafka's default partitioner picks), otherwise spread.
 * {@code timestamp} null means "now" on the producing side.
 */
public record ProducerRecord(String topic, Integer partition, byte[] key, byte[] value, Long timestamp,
                             List<Header> headers) {

    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition + " for topic " + topic);
        }
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("timestamp must be >= 0, was " + timestamp + " for topic " + topic);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public static ProducerRecord of(String topic, byte[] key, byte[] value) {
        return new ProducerRecord(topic, null, key, value, null, List.of());
    }

    /** A record with UTF-8 key and value; a null key leaves the partition to the spreading strategy. */
    public static ProducerRecord of(String topic, String key, String value) {
        return of(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public ProducerRecord withPartition(int newPartition) {
        return new ProducerRecord(topic, newPartition, key, value, timestamp, headers);
    }

    public ProducerRecord withHeaders(List<Header> newHeaders) {
        return new ProducerRecord(topic, partition, key, value, timestamp, newHeaders);
    }

    public ProducerRecord withTimestamp(long newTimestamp) {
        return new ProducerRecord(topic, partition, key, value, newTimestamp, headers);
    }
}
