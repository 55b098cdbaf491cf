package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Positions kept in a map: what the coordinator loaded and what it last persisted, per group. */
final class InMemoryGroupStateStore implements GroupStateStore {

    private final Map<String, Map<TopicPartition, CommittedPosition>> positions = new HashMap<>();
    private int persists;

    synchronized InMemoryGroupStateStore with(String groupId, TopicPartition tp, CommittedPosition position) {
        positions.computeIfAbsent(groupId, g -> new HashMap<>()).put(tp, position);
        return this;
    }

    @Override
    public synchronized Map<String, Map<TopicPartition, CommittedPosition>> load() {
        Map<String, Map<TopicPartition, CommittedPosition>> copy = new HashMap<>();
        positions.forEach((g, p) -> copy.put(g, Map.copyOf(p)));
        return copy;
    }

    @Override
    public synchronized CompletableFuture<Void> persist(String groupId, Map<TopicPartition, CommittedPosition> changed,
                                                        boolean force) {
        positions.computeIfAbsent(groupId, g -> new HashMap<>()).putAll(changed);
        persists++;
        return CompletableFuture.completedFuture(null);
    }

    /** The last persisted position, or null. */
    synchronized CommittedPosition persisted(String groupId, TopicPartition tp) {
        return positions.getOrDefault(groupId, Map.of()).get(tp);
    }

    synchronized int persists() {
        return persists;
    }
}
