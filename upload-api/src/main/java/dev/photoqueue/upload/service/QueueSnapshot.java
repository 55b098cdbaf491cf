package dev.photoqueue.upload.service;

import java.util.List;

/**
 * The queue as the dashboard draws it: topics with their partitions' extents, and consumer groups
 * with members, assignments, committed offsets and lag per partition.
 */
public record QueueSnapshot(String backend, List<Topic> topics, List<Group> groups) {

    public record Topic(String name, List<Partition> partitions) {
    }

    /** {@code start} is the first offset still stored, {@code end} the offset the next record gets. */
    public record Partition(int partition, long start, long end) {
    }

    public record Group(String id, List<Member> members, List<PartitionProgress> partitions, long totalLag) {
    }

    public record Member(String memberId, String clientId, List<String> partitions) {
    }

    /** {@code committed} is the first offset not yet done (-1 when none), {@code owner} a member id or null. */
    public record PartitionProgress(String topic, int partition, long committed, long end, long lag, String owner) {
    }
}
