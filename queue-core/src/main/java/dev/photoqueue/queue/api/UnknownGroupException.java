package dev.photoqueue.queue.api;

/** No consumer group of that id has members or committed positions. */
public final class UnknownGroupException extends QueueException {

    private final String groupId;

    public UnknownGroupException(String groupId) {
        super("unknown consumer group \"" + groupId + "\"");
        this.groupId = groupId;
    }

    public String groupId() {
        return groupId;
    }
}
