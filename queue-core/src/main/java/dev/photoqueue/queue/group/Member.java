package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.Set;
import java.util.TreeSet;

/**
 * One member of a group as the coordinator sees it. {@code owned} and {@code reported} are
 * guarded by the group's lock; liveness fields are volatile so acks and heartbeats need no lock.
 */
final class Member {

    final String memberId;
    final GroupConsumerConfig config;
    final Set<String> topics;
    volatile long lastSeenNanos;
    /** Set once, when the member leaves or is expired; it never comes back under this id. */
    volatile boolean removed;
    volatile String removedBecause;

    /** Partitions whose owner is this member now. */
    final Set<TopicPartition> owned = new TreeSet<>();
    /** Partitions the consumer has been told it owns (assigned callback ran, no revoke since). */
    final Set<TopicPartition> reported = new TreeSet<>();

    Member(String memberId, GroupConsumerConfig config, Set<String> topics, long nowNanos) {
        this.memberId = memberId;
        this.config = config;
        this.topics = Set.copyOf(topics);
        this.lastSeenNanos = nowNanos;
    }

    @Override
    public String toString() {
        return memberId;
    }
}
