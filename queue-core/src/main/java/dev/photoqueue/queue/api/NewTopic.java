package dev.photoqueue.queue.api;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create: its name, partition count, replication factor (ignored by the in-house log,
 * which keeps one copy) and per-topic settings such as {@code retention.ms} (see {@link TopicConfigs}).
 */
public record NewTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public NewTopic {
        Objects.requireNonNull(name, "name");
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be > 0, was " + partitions + " for topic " + name);
        }
        if (replicationFactor <= 0) {
            throw new IllegalArgumentException("replicationFactor must be > 0, was " + replicationFactor
                    + " for topic " + name);
        }
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public NewTopic(String name, int partitions) {
        this(name, partitions, (short) 1, Map.of());
    }

    public NewTopic withConfigs(Map<String, String> newConfigs) {
        return new NewTopic(name, partitions, replicationFactor, newConfigs);
    }
}
