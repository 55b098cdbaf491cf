package dev.photoqueue.queue.api;

/** A partition number outside the topic's range {@code [0, partitionCount)}. */
public final class UnknownPartitionException extends QueueException {

    private final String topic;
    private final int partition;
    private final int partitionCount;

    public UnknownPartitionException(String topic, int partition, int partitionCount) {
        super("partition " + partition + " is out of range for topic \"" + topic + "\" with " + partitionCount
                + (partitionCount == 1 ? " partition (valid: 0)"
                        : " partitions (valid: 0.." + (partitionCount - 1) + ")"));
        this.topic = topic;
        this.partition = partition;
        this.partitionCount = partitionCount;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public int partitionCount() {
        return partitionCount;
    }
}
