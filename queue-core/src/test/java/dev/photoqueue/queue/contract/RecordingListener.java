package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Keeps the story a member's rebalance listener was told, and notes every step that breaks it: a
 * partition assigned while already held, or revoked (or lost) without having been assigned. The
 * errors are collected, not thrown, so a broken story cannot derail the consumer mid-poll; tests
 * check {@link #errors()} afterwards. Single-threaded, like the consumer that calls it.
 */
final class RecordingListener implements RebalanceListener {

    private final Set<TopicPartition> held = new TreeSet<>();
    private final Set<TopicPartition> everRevoked = new TreeSet<>();
    private final Set<TopicPartition> everLost = new TreeSet<>();
    private final List<String> errors = new ArrayList<>();
    private final Consumer<Collection<TopicPartition>> onRevoked;

    /** @param onRevoked runs inside {@link #onPartitionsRevoked}, after the bookkeeping */
    RecordingListener(Consumer<Collection<TopicPartition>> onRevoked) {
        this.onRevoked = onRevoked;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (!held.add(tp)) {
                errors.add("assigned " + tp + " while already holding it");
            }
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (!held.remove(tp)) {
                errors.add("revoked " + tp + " that was never assigned (held: " + held + ")");
            }
        }
        everRevoked.addAll(partitions);
        onRevoked.accept(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (!held.remove(tp)) {
                errors.add("lost " + tp + " that was never assigned (held: " + held + ")");
            }
        }
        everLost.addAll(partitions);
    }

    /** The partitions the listener was told this member holds now. */
    Set<TopicPartition> held() {
        return new TreeSet<>(held);
    }

    Set<TopicPartition> everRevoked() {
        return new TreeSet<>(everRevoked);
    }

    Set<TopicPartition> everLost() {
        return new TreeSet<>(everLost);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }
}
