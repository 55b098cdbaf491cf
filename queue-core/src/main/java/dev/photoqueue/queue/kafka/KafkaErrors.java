package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.TopicExistsException;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Turns Kafka's exceptions into the queue API's, keeping Kafka's as the cause. Stateless. */
final class KafkaErrors {

    private KafkaErrors() {
    }

    /** Waits for an admin or client future at most {@code timeoutMs}; errors come back translated. */
    static <T> T await(Future<T> future, KafkaConfig config, String action, String topic) {
        long timeoutMs = Math.max(config.requestTimeoutMs(), config.connectTimeoutMs());
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueueException("interrupted while waiting to " + action, e);
        } catch (java.util.concurrent.TimeoutException e) {
            future.cancel(true);
            throw new BackendUnavailableException(config.bootstrapServers(), timeoutMs, action, null);
        } catch (ExecutionException e) {
            throw translate(e.getCause(), config, action, topic);
        }
    }

    /** The queue exception for a Kafka failure of {@code action} on {@code topic} (may be null). */
    static QueueException translate(Throwable t, KafkaConfig config, String action, String topic) {
        Throwable cause = t instanceof CompletionException || t instanceof ExecutionException
                ? t.getCause() : t;
        if (cause instanceof QueueException q) {
            return q;
        }
        if (cause instanceof org.apache.kafka.common.errors.TopicExistsException && topic != null) {
            return new TopicExistsException(topic);
        }
        if (cause instanceof UnknownTopicOrPartitionException && topic != null) {
            return new UnknownTopicException(topic);
        }
        if (cause instanceof InvalidConfigurationException || cause instanceof InvalidReplicationFactorException
                || cause instanceof InvalidPartitionsException) {
            return new InvalidConfigException(topic == null ? action : "topic " + topic, String.valueOf(topic),
                    cause.getMessage());
        }
        if (cause instanceof TimeoutException) {
            return new BackendUnavailableException(config.bootstrapServers(), config.requestTimeoutMs(), action, cause);
        }
        // Kafka's words, not its exception's type, which means nothing to a user of the queue.
        return new QueueException("Kafka failed to " + action
                + (topic == null || names(action, topic) ? "" : " (topic " + topic + ")")
                + ": " + (cause.getMessage() == null ? "the client gave no reason" : cause.getMessage()), cause);
    }

    /**
     * Whether {@code action} names {@code topic} already, as a word of its own or as one of its
     * partitions ({@code T-0}), so that the message names it once.
     */
    private static boolean names(String action, String topic) {
        for (String word : action.split("[\\s\\[\\](),@]+")) {
            String partition = word.startsWith(topic + "-") ? word.substring(topic.length() + 1) : "";
            if (word.equals(topic) || !partition.isEmpty() && partition.chars().allMatch(Character::isDigit)) {
                return true;
            }
        }
        return false;
    }
}
