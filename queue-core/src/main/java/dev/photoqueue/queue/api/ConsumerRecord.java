package dev.photoqueue.queue.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A record as read from a partition, at its offset. Key, value and header values may be null.
 * {@code deliveryCount} is how many times a consumer group has handed this record out, this time
 * included (1 on the first delivery); 0 where nothing counts deliveries (manual assignment).
 */
public record ConsumerRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                             List<Header> headers, int deliveryCount) {

    /** A record read without delivery counting. */
    public ConsumerRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                          List<Header> headers) {
        this(topic, partition, offset, timestamp, key, value, headers, 0);
    }

    /** This record as handed out for the {@code count}th time. */
    public ConsumerRecord withDeliveryCount(int count) {
        return new ConsumerRecord(topic, partition, offset, timestamp, key, value, headers, count);
    }

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The first header with this key, or null. */
    public Header header(String headerKey) {
        for (Header h : headers) {
            if (h.key().equals(headerKey)) {
                return h;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "ConsumerRecord[" + topic + "-" + partition + "@" + offset + ", timestamp=" + timestamp
                + ", key=" + (key == null ? "null" : key.length + " bytes")
                + ", value=" + (value == null ? "null" : value.length + " bytes") + ", deliveryCount=" + deliveryCount
                + "]";
    }
}
