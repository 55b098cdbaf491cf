package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.log.TopicLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Copies a record a group gave up on to its dead-letter topic and returns once the copy is
 * acknowledged, so the caller may then count the original done without losing it. Creates the
 * dead-letter topic (one partition) on first use. Thread-safe.
 */
final class DeadLetterWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final LogManager log;

    DeadLetterWriter(LogManager log) {
        this.log = log;
    }

    /** Writes the dead letter of {@code record}; returns its offset in the dead-letter topic. */
    long deadLetter(String groupId, ConsumerRecord record, int deliveryCount, String error) {
        String dlq = DeadLetters.topicFor(record.topic());
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
        long now = log.clock().millis();
        headers.add(Header.of(DeadLetters.DEAD_LETTERED_AT, String.valueOf(now)));
        long offset = dlqPartition(dlq).append(now, record.key(), record.value(), headers).join().offset();
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
