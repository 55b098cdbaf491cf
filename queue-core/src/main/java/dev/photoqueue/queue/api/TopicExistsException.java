package dev.photoqueue.queue.api;

/** A topic of that name exists already. */
public final class TopicExistsException extends QueueException {

    private final String topic;

    public TopicExistsException(String topic) {
        super("topic \"" + topic + "\" already exists");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
