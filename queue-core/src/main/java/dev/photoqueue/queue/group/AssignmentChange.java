package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.TopicPartition;

import java.util.List;

/**
 * What a member must be told at its poll: partitions it lost (it was removed: rejoin), partitions
 * to give up (revoke, then confirm with {@link MemberSession#confirmRevoked}), and partitions it
 * gained.
 */
public record AssignmentChange(List<TopicPartition> lost, List<TopicPartition> revoked,
                               List<TopicPartition> assigned) {

    static final AssignmentChange NONE = new AssignmentChange(List.of(), List.of(), List.of());

    public AssignmentChange {
        lost = List.copyOf(lost);
        revoked = List.copyOf(revoked);
        assigned = List.copyOf(assigned);
    }

    public boolean isEmpty() {
        return lost.isEmpty() && revoked.isEmpty() && assigned.isEmpty();
    }
}
