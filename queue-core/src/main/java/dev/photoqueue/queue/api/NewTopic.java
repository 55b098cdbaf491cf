package dev.photoqueue.queue.api;

import java.util.Map;
import java.util.Objects;

/**
 * A topic to create: its name, partition count, replication factor (ignored by the in-house log,
 * which keeps one copy; {@link #BACKEND_DEFAULT_REPLICATION} takes the backend's own default, on
 * Kafka the brokers' {@code default.replication.factor}) and per-topic settings such as
 * {@code retention.ms} (see {@link TopicConfigs}).
 */
public record NewTopic(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    /** The replication factor that leaves the number of copies to the backend's configuration. */
    public static final short BACKEND_DEFAULT_REPLICATION = -1;

    public NewTopic {
        Objects.requireNonNull(name, "name");
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be > 0, was " + partitions + " for topic " + name);
        }
        if (replicationFactor <= 0 && replicationFactor != BACKEND_DEFAULT_REPLICATION) {
            throw new IllegalArgumentException("replicationFactor must be > 0 or " + BACKEND_DEFAULT_REPLICATION
                    + " (the backend's default), was " + replicationFactor + " for topic " + name);
        }
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    /** With the backend's default replication: on a Kafka cluster of three, three copies. */
    public NewTopic(String name, int partitions) {
        this(name, partitions, BACKEND_DEFAULT_REPLICATION, Map.of());
    }

    public NewTopic withConfigs(Map<String, String> newConfigs) {
        return new NewTopic(name, partitions, replicationFactor, newConfigs);
    }
}
