package dev.photoqueue.queue.spi;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.TopicExistsException;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The part of {@link Admin} that every backend serves alike: the dead-letter calls, through the
 * backend's {@link DeadLetterRedriver}; {@link #createTopicIfAbsent}, on top of {@link #createTopic};
 * and {@link #listable}, the rule that internal names are never listed. The backend supplies the
 * topic and group administration.
 */
public abstract class BackendAdmin implements Admin {

    private final DeadLetterRedriver redriver;

    /** {@code redriver}: the backend's one redriver, shared by all its admins so redrives are serialised. */
    protected BackendAdmin(DeadLetterRedriver redriver) {
        this.redriver = redriver;
    }

    /**
     * Creates the topic with {@link #createTopic}; false instead of {@link TopicExistsException}
     * when it exists, so a topic created by someone else meanwhile counts as existing.
     */
    @Override
    public boolean createTopicIfAbsent(NewTopic topic) {
        try {
            createTopic(topic);
            return true;
        } catch (TopicExistsException e) {
            return false;
        }
    }

    /**
     * {@code names} as {@link #listTopics} and {@link #listGroups} answer them: sorted, in a new
     * mutable set, without the queue's internal ones (starting with {@value #INTERNAL_PREFIX}).
     */
    protected static Set<String> listable(Collection<String> names) {
        Set<String> out = new TreeSet<>(names);
        out.removeIf(name -> name.startsWith(INTERNAL_PREFIX));
        return out;
    }

    @Override
    public final List<ConsumerRecord> deadLetters(String dlqTopic) {
        return redriver.deadLetters(dlqTopic);
    }

    @Override
    public final boolean redrive(String dlqTopic, long dlqOffset) {
        return redriver.redrive(dlqTopic, dlqOffset);
    }

    @Override
    public final long redriveAll(String dlqTopic, Predicate<ConsumerRecord> filter, double recordsPerSecond) {
        return redriver.redriveAll(dlqTopic, filter, recordsPerSecond);
    }
}
