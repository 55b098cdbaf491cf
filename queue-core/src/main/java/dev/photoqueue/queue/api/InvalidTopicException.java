package dev.photoqueue.queue.api;

/** A topic name that cannot be used: empty, too long, or with characters outside {@code [a-zA-Z0-9._-]}. */
public final class InvalidTopicException extends QueueException {

    private final String topic;

    public InvalidTopicException(String topic, String reason) {
        super("invalid topic name \"" + topic + "\": " + reason);
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
