package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.UnknownPartitionException;

import java.util.List;

/** A topic of the in-house log: its name, settings and partitions. Immutable; thread-safe. */
public final class TopicLog {

    private final String name;
    private final LogConfig config;
    private final List<PartitionLog> partitions;

    TopicLog(String name, LogConfig config, List<PartitionLog> partitions) {
        this.name = name;
        this.config = config;
        this.partitions = List.copyOf(partitions);
    }

    public String name() {
        return name;
    }

    public LogConfig config() {
        return config;
    }

    public int partitionCount() {
        return partitions.size();
    }

    /** {@link UnknownPartitionException} when {@code partition} is outside 0..count-1. */
    public PartitionLog partition(int partition) {
        if (partition < 0 || partition >= partitions.size()) {
            throw new UnknownPartitionException(name, partition, partitions.size());
        }
        return partitions.get(partition);
    }

    public List<PartitionLog> partitions() {
        return partitions;
    }
}
