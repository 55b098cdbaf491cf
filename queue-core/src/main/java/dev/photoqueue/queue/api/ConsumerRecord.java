package dev.photoqueue.queue.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** A record as read from a partition, at its offset. Key, value and header values may be null. */
public record ConsumerRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                             List<Header> headers) {

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
                + ", value=" + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
