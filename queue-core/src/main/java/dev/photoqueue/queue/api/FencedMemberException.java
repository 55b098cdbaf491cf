package dev.photoqueue.queue.api;

/**
 * An ack (or another call) from a group member that no longer owns the partition, or was removed
 * from the group: its partition moved in a later generation. Nothing was changed.
 */
public final class FencedMemberException extends QueueException {

    private final String groupId;
    private final String memberId;
    private final TopicPartition topicPartition;

    public FencedMemberException(String groupId, String memberId, TopicPartition topicPartition, String reason) {
        super("member " + memberId + " of group " + groupId + " is fenced"
                + (topicPartition == null ? "" : " for " + topicPartition) + ": " + reason);
        this.groupId = groupId;
        this.memberId = memberId;
        this.topicPartition = topicPartition;
    }

    public String groupId() {
        return groupId;
    }

    public String memberId() {
        return memberId;
    }

    /** The partition the call was about, or null for a call about the whole membership. */
    public TopicPartition topicPartition() {
        return topicPartition;
    }
}
