package dev.photoqueue.queue.api;

/**
 * A partition's backlog (what its slowest consumer group has not consumed) is at or over the
 * topic's {@code max.backlog.records} or {@code max.backlog.bytes}; nothing was written. Thrown at
 * once by {@link Producer#trySend}, and by {@link Producer#send} after it waited its maximum.
 */
public final class BacklogFullException extends QueueException {

    private final TopicPartition partition;
    private final long backlog;
    private final long limit;
    private final String setting;

    /**
     * @param backlog the backlog found, in the unit of {@code setting} (records or bytes)
     * @param limit   the topic's limit in that unit
     * @param setting {@link TopicConfigs#MAX_BACKLOG_RECORDS} or {@link TopicConfigs#MAX_BACKLOG_BYTES}
     */
    public BacklogFullException(TopicPartition partition, long backlog, long limit, String setting) {
        super("backlog of partition " + partition.partition() + " of topic \"" + partition.topic() + "\" is "
                + backlog + ", at or over the limit of " + limit + " (" + setting + ")");
        this.partition = partition;
        this.backlog = backlog;
        this.limit = limit;
        this.setting = setting;
    }

    public String topic() {
        return partition.topic();
    }

    public TopicPartition partition() {
        return partition;
    }

    public long backlog() {
        return backlog;
    }

    public long limit() {
        return limit;
    }

    /** Which limit was reached: {@link TopicConfigs#MAX_BACKLOG_RECORDS} or {@link TopicConfigs#MAX_BACKLOG_BYTES}. */
    public String setting() {
        return setting;
    }
}
