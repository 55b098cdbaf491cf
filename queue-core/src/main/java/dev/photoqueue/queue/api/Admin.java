package dev.photoqueue.queue.api;

import java.util.Map;
import java.util.Set;

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

    /** Groups with members or committed positions. */
    Set<String> listGroups();

    /** Members, assignments, committed positions, end offsets and lag; {@link UnknownGroupException}. */
    GroupDescription describeGroup(String groupId);

    /**
     * Moves the group's position on every partition of {@code topic}, for replay ("everything since
     * an hour ago") or to skip a backlog, without touching other groups. Records before the new
     * position count as done, records from it on are delivered again. Returns the new positions.
     */
    Map<TopicPartition, Long> resetOffsets(String groupId, String topic, OffsetSpec spec);
}
