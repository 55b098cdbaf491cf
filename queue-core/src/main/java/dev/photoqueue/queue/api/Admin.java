package dev.photoqueue.queue.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Topic and consumer-group management and inspection. Thread-safe. */
public interface Admin {

    /** Creates the topic; {@link TopicExistsException} if it exists, {@link InvalidConfigException} for a bad setting. */
    void createTopic(NewTopic topic);

    /** Creates the topic unless it exists; true when this call created it. */
    boolean createTopicIfAbsent(NewTopic topic);

    /**
     * The topics applications use. Internal topics, whose names start with {@value #INTERNAL_PREFIX}
     * (such as the committed positions of groups), are not listed.
     */
    Set<String> listTopics();

    /** Names starting with this are reserved for the queue's internal topics. */
    String INTERNAL_PREFIX = "__";

    /** {@link UnknownTopicException} when there is no such topic. */
    TopicDescription describeTopic(String topic);

    /**
     * The brokers, the controller quorum and the replicas of every partition of {@code topics}, as
     * far as the cluster answers within a few seconds: a broker that does not answer is down, and
     * a quorum that does not answer has no leader. Never throws for a cluster that is partly
     * down; the in-house log answers {@link ClusterDescription#singleNode}.
     */
    ClusterDescription describeCluster(Collection<String> topics);

    /**
     * Groups with members or committed positions. The queue's internal groups, whose ids start with
     * {@value #INTERNAL_PREFIX} (such as the one that tracks redriven dead letters), are not listed.
     */
    Set<String> listGroups();

    /** Members, assignments, committed positions, end offsets and lag; {@link UnknownGroupException}. */
    GroupDescription describeGroup(String groupId);

    /**
     * Moves the group's position on every partition of {@code topic}, for replay ("everything since
     * an hour ago") or to skip a backlog, without touching other groups. Records before the new
     * position count as done, records from it on are delivered again. An {@link OffsetSpec#offset}
     * outside a partition's start and end offsets moves the group on it to that bound, its start or
     * its end. Returns the new positions.
     */
    Map<TopicPartition, Long> resetOffsets(String groupId, String topic, OffsetSpec spec);

    /**
     * The dead letters of {@code dlqTopic} (a {@code <topic>.dlq}, see {@link DeadLetters}) not yet
     * redriven, in order; {@link UnknownTopicException} when there is no such topic.
     */
    List<ConsumerRecord> deadLetters(String dlqTopic);

    /**
     * Sends the dead letter at {@code dlqOffset} back to its original topic and partition as a new
     * record (its original key, value and headers; it starts with a fresh delivery count) and marks
     * it redriven. False when there is no such dead letter or it was redriven already.
     */
    boolean redrive(String dlqTopic, long dlqOffset);

    /**
     * Redrives every dead letter not yet redriven that {@code filter} accepts, at most
     * {@code recordsPerSecond} a second; returns how many.
     */
    long redriveAll(String dlqTopic, Predicate<ConsumerRecord> filter, double recordsPerSecond);
}
