package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Assignor;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.log.TopicLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Sends dead letters back to the partition they came from, each once: the internal group
 * {@value #GROUP} consumes the dead-letter topic and acks a dead letter (out of order when need
 * be) only after its copy was acknowledged, so a crash in between redrives it twice rather than
 * never. What that group has not acked is what {@link #deadLetters} lists. One redrive at a time:
 * the methods are serialised.
 */
final class Redriver {

    private static final Logger LOG = LoggerFactory.getLogger(Redriver.class);
    /** The internal group that marks dead letters redriven. */
    static final String GROUP = "__redrive";
    /** An empty poll this long, with the partition assigned, means the dead-letter topic has nothing more. */
    private static final Duration DRAINED = Duration.ofMillis(200);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long SESSION_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);

    private final InhouseBackend backend;

    Redriver(InhouseBackend backend) {
        this.backend = backend;
    }

    synchronized List<ConsumerRecord> deadLetters(String dlqTopic) {
        List<ConsumerRecord> out = new ArrayList<>();
        scan(dlqTopic, r -> {
            out.add(r.withDeliveryCount(0));
            return false;
        }, null);
        return out;
    }

    synchronized boolean redrive(String dlqTopic, long dlqOffset) {
        return scan(dlqTopic, r -> r.offset() == dlqOffset, r -> r.offset() == dlqOffset) == 1;
    }

    synchronized long redriveAll(String dlqTopic, Predicate<ConsumerRecord> filter, double recordsPerSecond) {
        return scan(dlqTopic, DeadLetters.pacedRedrive(filter, recordsPerSecond), null);
    }

    /**
     * Reads the dead letters not yet redriven, in order, redriving each one {@code redrive}
     * accepts; stops after the first one {@code stopAfter} matches, else at the end the topic had
     * when the scan began: a redriven record that fails again and comes back is left for the next
     * redrive, or a poison record would be sent round forever. Returns how many were redriven.
     */
    private long scan(String dlqTopic, Predicate<ConsumerRecord> redrive, Predicate<ConsumerRecord> stopAfter) {
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

    private static long finish(GroupConsumer consumer, String dlqTopic, long redriven) {
        consumer.commitSync();
        if (redriven > 0) {
            LOG.info("redrove {} dead letters of {} back to where they came from", redriven, dlqTopic);
        }
        return redriven;
    }
}
