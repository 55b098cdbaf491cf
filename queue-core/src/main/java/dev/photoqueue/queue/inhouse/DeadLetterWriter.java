package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.log.TopicLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * Copies a record a group gave up on to its dead-letter topic and returns once the copy is
 * acknowledged and forced to disk, so the caller may then count the original done without losing
 * it, even to a power loss. Creates the
 * dead-letter topic (one partition) on first use. Thread-safe.
 */
final class DeadLetterWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final LogManager log;

    DeadLetterWriter(LogManager log) {
        this.log = log;
    }

    /** Writes the dead letter of {@code record}; returns its offset in the dead-letter topic. */
    long deadLetter(String groupId, ConsumerRecord record, int deliveryCount, DeadLetterCause cause, String error) {
        String dlq = DeadLetters.topicFor(record.topic());
        long now = log.clock().millis();
        List<Header> headers = DeadLetters.headersFor(record, groupId, deliveryCount, cause, error, now);
        PartitionLog partition = dlqPartition(dlq);
        long offset;
        try {
            // Forced: the record counts done right after this, so its letter must be on disk first,
            // whatever the dead-letter topic's fsync policy, or a power loss could take both away.
            offset = partition.append(now, record.key(), record.value(), headers, true).join().offset();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
        LOG.warn("group {} dead-lettered {}-{}@{} after {} deliveries to {}@{}{}", groupId, record.topic(),
                record.partition(), record.offset(), deliveryCount, dlq, offset, error == null ? "" : ": " + error);
        return offset;
    }

    private PartitionLog dlqPartition(String dlq) {
        TopicLog topic = log.findTopic(dlq).orElse(null);
        if (topic == null) {
            synchronized (log) {
                topic = log.findTopic(dlq).orElseGet(() -> log.createTopic(dlq, 1, Map.of()));
            }
        }
        return topic.partition(0);
    }
}
