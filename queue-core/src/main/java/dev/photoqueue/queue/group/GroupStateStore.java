package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the coordinator keeps committed positions: the narrow storage interface of the group
 * layer. The in-house backend stores them in an internal log topic.
 */
public interface GroupStateStore {

    /** Every group's positions as last persisted. Called once, before the coordinator serves anyone. */
    Map<String, Map<TopicPartition, CommittedPosition>> load();

    /**
     * Persists positions of one group (later calls win). The future completes once they would
     * survive a crash of this process, and with {@code force} (or when the store forces every write)
     * a power loss too.
     */
    CompletableFuture<Void> persist(String groupId, Map<TopicPartition, CommittedPosition> positions, boolean force);
}
