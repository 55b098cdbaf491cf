package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** The set-up and the waits of the tests of one ORDERED member on Kafka, over the embedded broker. */
final class OrderedMemberFixture {

    /** The longest a test waits for records it expects. */
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private OrderedMemberFixture() {
    }

    /** Creates {@code topic} with one partition holding {@code records} records, job-0 first. */
    static void topicWithRecords(QueueBackend backend, String topic, int records) {
        backend.admin().createTopic(new NewTopic(topic, 1));
        try (Producer producer = backend.producer()) {
            for (int i = 0; i < records; i++) {
                producer.send(ProducerRecord.of(topic, "k", "job-" + i));
            }
            producer.flush();
        }
    }

    /** Polls until {@code count} records came, failing the test after {@link #WAIT_NANOS}. */
    static List<ConsumerRecord> pollFor(GroupConsumer consumer, int count) {
        return pollFor(consumer, count, false);
    }

    /** As {@link #pollFor}, polling again after a poll that failed (the coordinator away), as a worker does. */
    static List<ConsumerRecord> pollThroughFailuresFor(GroupConsumer consumer, int count) {
        return pollFor(consumer, count, true);
    }

    private static List<ConsumerRecord> pollFor(GroupConsumer consumer, int count, boolean pollAgainAfterFailure) {
        List<ConsumerRecord> received = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (received.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                fail("received " + received.stream().map(ConsumerRecord::offset).toList() + ", expected "
                        + count + " records");
            }
            try {
                received.addAll(consumer.poll(Duration.ofMillis(200)));
            } catch (QueueException e) {
                if (!pollAgainAfterFailure) {
                    throw e;
                }
            }
        }
        return received;
    }
}
