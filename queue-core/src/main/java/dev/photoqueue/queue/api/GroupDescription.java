package dev.photoqueue.queue.api;

import java.util.List;
import java.util.Map;

/**
 * A consumer group as the admin sees it: its members with their partitions, and per partition the
 * committed position, the end offset and the lag between them.
 */
public record GroupDescription(String groupId, int generation, List<MemberDescription> members,
                               List<PartitionLag> partitions) {

    public GroupDescription {
        members = List.copyOf(members);
        partitions = List.copyOf(partitions);
    }

    /** Records produced but not yet consumed by the group, over all its partitions. */
    public long totalLag() {
        return partitions.stream().mapToLong(PartitionLag::lag).sum();
    }

    /**
     * One member: the partitions it owns (ORDERED mode), and in SHARED mode how many records it
     * holds locks on now, per partition (partitions without locks left out).
     */
    public record MemberDescription(String memberId, String clientId, List<TopicPartition> assignment,
                                    Map<TopicPartition, Integer> locked) {
        public MemberDescription {
            assignment = List.copyOf(assignment);
            locked = Map.copyOf(locked);
        }

        /** A member holding no locks. */
        public MemberDescription(String memberId, String clientId, List<TopicPartition> assignment) {
            this(memberId, clientId, assignment, Map.of());
        }
    }

    /**
     * A partition's progress in the group: {@code committed} is the first offset not yet done
     * (-1 if the group has none there), {@code owner} the member id that owns it, or null.
     */
    public record PartitionLag(TopicPartition topicPartition, long committed, long endOffset, long lag,
                               String owner) {
    }
}
