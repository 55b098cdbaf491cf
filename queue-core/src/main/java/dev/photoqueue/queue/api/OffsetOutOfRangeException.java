package dev.photoqueue.queue.api;

/** An offset before the log start (deleted by retention, or negative) or past the log end. */
public final class OffsetOutOfRangeException extends QueueException {

    private final TopicPartition topicPartition;
    private final long offset;
    private final long logStartOffset;
    private final long logEndOffset;

    public OffsetOutOfRangeException(TopicPartition topicPartition, long offset, long logStartOffset, long logEndOffset) {
        super("offset " + offset + " is out of range for " + topicPartition + ": valid offsets are "
                + logStartOffset + ".." + logEndOffset + " (the end offset is where the next record goes)");
        this.topicPartition = topicPartition;
        this.offset = offset;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public long offset() {
        return offset;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }
}
