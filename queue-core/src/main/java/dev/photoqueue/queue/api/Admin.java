package dev.photoqueue.queue.api;

import java.util.Set;

/** Topic management and inspection. Thread-safe. */
public interface Admin {

    /** Creates the topic; {@link TopicExistsException} if it exists, {@link InvalidConfigException} for a bad setting. */
    void createTopic(NewTopic topic);

    /** Creates the topic unless it exists; true when this call created it. */
    boolean createTopicIfAbsent(NewTopic topic);

    Set<String> listTopics();

    /** {@link UnknownTopicException} when there is no such topic. */
    TopicDescription describeTopic(String topic);
}
