package dev.photoqueue.queue.api;

import java.util.Collection;

/**
 * Told about partitions a group member gains and loses. Both run on the consumer's own thread,
 * inside {@link GroupConsumer#poll}.
 *
 * <p>{@link #onPartitionsRevoked} runs before the partitions go to another member: records of
 * them still in flight may be acked from inside it (finish) or left (give up: the next owner gets
 * them again). {@link #onPartitionsLost} runs instead when the member was already fenced, for
 * example after it stopped polling past the session timeout: acks for those partitions are rejected.
 */
public interface RebalanceListener {

    RebalanceListener NONE = new RebalanceListener() {
    };

    default void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    }

    default void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    }

    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }
}
