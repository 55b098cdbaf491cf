package dev.photoqueue.queue.api;

import java.util.List;
import java.util.Map;

/** A topic's partitions with their extents, and its effective settings. */
public record TopicDescription(String name, List<PartitionInfo> partitions, Map<String, String> configs) {

    public TopicDescription {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }

    public long sizeBytes() {
        return partitions.stream().mapToLong(PartitionInfo::sizeBytes).sum();
    }
}
