package dev.photoqueue.queue.api;

/** A record whose encoded size exceeds the topic's {@code max.record.bytes}; nothing was written. */
public final class RecordTooLargeException extends QueueException {

    private final String topic;
    private final long size;
    private final long maxSize;

    public RecordTooLargeException(String topic, long size, long maxSize) {
        super("record of " + size + " bytes is larger than the maximum of " + maxSize + " bytes for topic \""
                + topic + "\" (max.record.bytes)");
        this.topic = topic;
        this.size = size;
        this.maxSize = maxSize;
    }

    public String topic() {
        return topic;
    }

    public long size() {
        return size;
    }

    public long maxSize() {
        return maxSize;
    }
}
