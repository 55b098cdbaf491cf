package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.log.TopicLog;
import dev.photoqueue.queue.spi.DeadLetterRedriver;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Sends dead letters back to the partition they came from, each once: the internal group
 * {@value DeadLetterRedriver#GROUP} consumes the dead-letter topic and acks a dead letter (out of
 * order when need be) only after its copy was acknowledged, so a crash in between redrives it twice
 * rather than never. What that group has not acked is what {@link #deadLetters} lists. One redrive at a time:
 * the methods are serialised.
 */
final class Redriver extends DeadLetterRedriver {

    /** An empty poll this long, with the partition assigned, means the dead-letter topic has nothing more. */
    private static final Duration DRAINED = Duration.ofMillis(200);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long SESSION_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);

    private final InhouseBackend backend;

    Redriver(InhouseBackend backend) {
        this.backend = backend;
    }

    /**
     * Consumes as the group {@value #GROUP}, up to the end each partition had when the scan began:
     * a redriven record that fails again and comes back is left for the next redrive, or a poison
     * record would be sent round forever.
     */
    @Override
    protected long scan(String dlqTopic, Predicate<ConsumerRecord> redrive, Predicate<ConsumerRecord> stopAfter) {
        TopicLog topic = backend.log().findTopic(dlqTopic).orElseThrow(() -> new UnknownTopicException(dlqTopic));
        Map<Integer, Long> end = new HashMap<>();
        topic.partitions().forEach(p -> end.put(p.topicPartition().partition(), p.endOffset()));
        // Never dead-letters a dead letter; a slow rate may park between records for long, so a long session.
        GroupConsumerConfig config = GroupConsumerConfig.builder(GROUP).assignor(Assignor.RANGE)
                .maxDeliveries(Integer.MAX_VALUE).sessionTimeoutMs(SESSION_TIMEOUT_MS).build();
        long redriven = 0;
        try (GroupConsumer consumer = backend.groupConsumer(config);
             InhouseProducer producer = new InhouseProducer(backend)) {
            consumer.subscribe(List.of(dlqTopic));
            // The deadline bounds only the wait for the partition: a slow rate may take far longer in all.
            long deadline = System.nanoTime() + GIVE_UP_NANOS;
            while (true) {
                List<ConsumerRecord> records = consumer.poll(DRAINED);
                if (records.isEmpty() && (!consumer.assignment().isEmpty() || System.nanoTime() - deadline > 0)) {
                    break;
                }
                boolean pastEnd = false;
                for (ConsumerRecord r : records) {
                    if (r.offset() >= end.getOrDefault(r.partition(), 0L)) {
                        pastEnd = true;
                        continue;
                    }
                    if (redrive.test(r)) {
                        ProducerRecord back = DeadLetters.redriveRecord(r);
                        producer.send(back).join();
                        consumer.ack(r);
                        redriven++;
                    }
                    if (stopAfter != null && stopAfter.test(r)) {
                        return finish(consumer, dlqTopic, redriven);
                    }
                }
                if (pastEnd) {
                    break;
                }
            }
            return finish(consumer, dlqTopic, redriven);
        }
    }

    /** Commits the acks of this scan, then as {@link DeadLetterRedriver#finish}. */
    private long finish(GroupConsumer consumer, String dlqTopic, long redriven) {
        consumer.commitSync();
        return finish(dlqTopic, redriven);
    }
}
