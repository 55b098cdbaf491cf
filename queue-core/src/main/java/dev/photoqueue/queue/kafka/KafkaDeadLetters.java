package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    long write(String groupId, ConsumerRecord record, int deliveryCount, String error) {
        String dlq = DeadLetters.topicFor(record.topic());
        if (known.add(dlq)) {
            try {
                backend.ensureSinglePartitionTopic(dlq);
            } catch (RuntimeException e) {
                known.remove(dlq);
                throw e;
            }
        }
        List<Header> headers = new ArrayList<>(record.headers());
        headers.add(Header.of(DeadLetters.TOPIC, record.topic()));
        headers.add(Header.of(DeadLetters.PARTITION, String.valueOf(record.partition())));
        headers.add(Header.of(DeadLetters.OFFSET, String.valueOf(record.offset())));
        headers.add(Header.of(DeadLetters.TIMESTAMP, String.valueOf(record.timestamp())));
        headers.add(Header.of(DeadLetters.GROUP, groupId));
        headers.add(Header.of(DeadLetters.DELIVERY_COUNT, String.valueOf(deliveryCount)));
        if (error != null) {
            headers.add(new Header(DeadLetters.ERROR, error.getBytes(StandardCharsets.UTF_8)));
        }
        long now = System.currentTimeMillis();
        headers.add(Header.of(DeadLetters.DEAD_LETTERED_AT, String.valueOf(now)));
        ProducerRecord letter = new ProducerRecord(dlq, 0, record.key(), record.value(), now, headers);
        CompletableFuture<RecordMetadata> sent = backend.internalProducer().send(letter);
        RecordMetadata md = KafkaErrors.await(sent, backend.config(), "write a dead letter to " + dlq, dlq);
        LOG.warn("group {} dead-lettered {}-{}@{} after {} deliveries to {}@{}{}", groupId, record.topic(),
                record.partition(), record.offset(), deliveryCount, dlq, md.offset(), error == null ? "" : ": " + error);
        return md.offset();
    }

    /** The record to send back to where a dead letter came from: original key, value and headers. */
    static ProducerRecord redriveRecord(ConsumerRecord deadLetter) {
        Header topic = deadLetter.header(DeadLetters.TOPIC);
        Header partition = deadLetter.header(DeadLetters.PARTITION);
        if (topic == null || partition == null) {
            throw new IllegalArgumentException("record " + deadLetter + " has no " + DeadLetters.TOPIC + " or "
                    + DeadLetters.PARTITION + " header; it is not a dead letter");
        }
        List<Header> original = new ArrayList<>();
        for (Header h : deadLetter.headers()) {
            if (!h.key().startsWith(DeadLetters.HEADER_PREFIX)) {
                original.add(h);
            }
        }
        return new ProducerRecord(topic.valueAsString(), Integer.parseInt(partition.valueAsString()),
                deadLetter.key(), deadLetter.value(), null, original);
    }
}
