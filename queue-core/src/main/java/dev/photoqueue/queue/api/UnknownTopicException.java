package dev.photoqueue.queue.api;

/** The topic does not exist and automatic creation is off (or the caller asked not to create it). */
public final class UnknownTopicException extends QueueException {

    private final String topic;

    public UnknownTopicException(String topic) {
        super("unknown topic \"" + topic + "\" (create it first, or enable automatic topic creation)");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
