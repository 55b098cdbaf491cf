package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.UnknownTopicException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code pq dlq}: the dead letters of a topic, records a consumer group rejected or gave up on,
 * kept in {@code T.dlq} with {@code pq.dlq.*} headers saying where they came from and why. Only
 * groups its commands ({@link DlqListCommand list}, {@link DlqShowCommand show},
 * {@link DlqRedriveCommand redrive}) and what they share.
 */
@Command(name = "dlq", header = "Lists, shows and redrives a topic's dead letters.",
        description = {
            "Dead letters are records a consumer group rejected or gave up on after 5 deliveries, kept in T.dlq "
                    + "with their key, value and headers and pq.dlq.* headers that say where they came from and "
                    + "why. --topic takes T or T.dlq."})
final class DlqCommand implements Callable<Integer> {

    /** Given here, it holds for the command after it: {@code pq dlq --data-dir D list --topic T}. */
    @Mixin
    QueueLocation queue;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "dlq needs a command: list, show or redrive");
    }

    /** The dead-letter topic of {@code topic}, which may name it already. */
    static String dlqTopic(String topic) {
        return topic.endsWith(DeadLetters.SUFFIX) ? topic : DeadLetters.topicFor(topic);
    }

    /**
     * Whether {@code dlq} exists. A topic's dead-letter topic is created with its first dead letter,
     * so when the topic exists without one, it has none waiting: false, not an unknown topic (which
     * {@link UnknownTopicException}, naming the topic, still reports when neither exists).
     */
    static boolean exists(Admin admin, String dlq) {
        Set<String> topics = admin.listTopics();
        if (topics.contains(dlq)) {
            return true;
        }
        String topic = dlq.substring(0, dlq.length() - DeadLetters.SUFFIX.length());
        if (topics.contains(topic)) {
            return false;
        }
        throw new UnknownTopicException(topic);
    }

    /** As {@link Admin#deadLetters}, and none for a topic that never had one ({@link #exists}). */
    static List<ConsumerRecord> deadLetters(Admin admin, String dlq) {
        return exists(admin, dlq) ? admin.deadLetters(dlq) : List.of();
    }

    /** The value of the first header called {@code key}, as text, or null. */
    static String header(ConsumerRecord r, String key) {
        Header h = r.header(key);
        return h == null ? null : h.valueAsString();
    }
}
