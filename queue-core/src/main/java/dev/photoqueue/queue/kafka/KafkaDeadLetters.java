package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies a record a group gave up on to {@code <topic>.dlq} with the headers of {@link DeadLetters}
 * (the same as the in-house backend writes) and returns once Kafka acknowledged the copy with
 * {@code acks=all}, so the caller may then count the original done without losing it. Creates the
 * dead-letter topic (one partition) on first use. Thread-safe.
 */
final class KafkaDeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetters.class);

    private final KafkaBackend backend;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    KafkaDeadLetters(KafkaBackend backend) {
        this.backend = backend;
    }

    /** Writes the dead letter of {@code record}; returns its offset in the dead-letter topic. */
    long write(String groupId, ConsumerRecord record, int deliveryCount, DeadLetterCause cause, String error) {
        String dlq = DeadLetters.topicFor(record.topic());
        if (known.add(dlq)) {
            try {
                backend.ensureSinglePartitionTopic(dlq);
            } catch (RuntimeException e) {
                known.remove(dlq);
                throw e;
            }
        }
        long now = System.currentTimeMillis();
        List<Header> headers = DeadLetters.headersFor(record, groupId, deliveryCount, cause, error, now);
        ProducerRecord letter = new ProducerRecord(dlq, 0, record.key(), record.value(), now, headers);
        CompletableFuture<RecordMetadata> sent = backend.internalProducer().send(letter);
        RecordMetadata md = KafkaErrors.await(sent, backend.config(), "write a dead letter to " + dlq, dlq);
        LOG.warn("group {} dead-lettered {}-{}@{} after {} deliveries to {}@{}{}", groupId, record.topic(),
                record.partition(), record.offset(), deliveryCount, dlq, md.offset(), error == null ? "" : ": " + error);
        return md.offset();
    }
}
