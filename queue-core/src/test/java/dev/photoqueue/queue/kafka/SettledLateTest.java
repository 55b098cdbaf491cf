package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An ORDERED member refuses acks that come after its session timeout by its own clock, but Kafka
 * removes it by the clock of its heartbeat thread, which on a busy machine may act only after the
 * member's next poll, or not at all. Then Kafka keeps the member and its partitions: the refused
 * records must come again to it, or they stay outstanding with no one to deliver them and the
 * committed offset stays before them while the member lives. The Kafka consumer here is given a
 * long {@code max.poll.interval.ms}, so Kafka keeps the member every time, as a late heartbeat
 * thread does in a race.
 */
@ExtendWith(EmbeddedKafka.class)
class SettledLateTest {

    private static final long SESSION_MS = 1_000;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @Test
    void recordsWhoseAcksCameAfterTheSessionTimeoutComeAgainWhenKafkaKeptTheMember() {
        String run = EmbeddedKafka.uniqueSuffix();
        String topic = "late-" + run;
        String group = "late-ackers-" + run;
        try (QueueBackend backend = EmbeddedKafka.openBackend()) {
            backend.admin().createTopic(new NewTopic(topic, 1));
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < 3; i++) {
                    producer.send(ProducerRecord.of(topic, "k", "job-" + i));
                }
                producer.flush();
            }
            KafkaBackend kafka = (KafkaBackend) backend;
            GroupConsumerConfig member = GroupConsumerConfig.builder(group).sessionTimeoutMs(SESSION_MS).build();
            GroupConsumerConfig keptByKafka = GroupConsumerConfig.builder(group).sessionTimeoutMs(60_000).build();
            try (KafkaGroupConsumer consumer = new KafkaGroupConsumer(kafka, member,
                    OrderedMemberClient.create(kafka.config(), keptByKafka))) {
                consumer.subscribe(List.of(topic));
                List<ConsumerRecord> first = pollFor(consumer, 3);
                long polled = System.nanoTime();
                // the member's own clock runs out: the condition is the time since its last poll
                while (System.nanoTime() - polled <= TimeUnit.MILLISECONDS.toNanos(SESSION_MS + 100)) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
                for (ConsumerRecord r : first) {
                    assertThrows(FencedMemberException.class, () -> consumer.ack(r), "ack of offset " + r.offset());
                }

                List<ConsumerRecord> again = pollFor(consumer, 3);
                assertEquals(List.of(0L, 1L, 2L), again.stream().map(ConsumerRecord::offset).toList(),
                        "the refused records, again and in order");
                assertEquals(List.of(2, 2, 2), again.stream().map(ConsumerRecord::deliveryCount).toList(),
                        "each refused delivery counted");
                again.forEach(consumer::ack);
                consumer.commitSync();
                assertEquals(0, backend.admin().describeGroup(group).totalLag(), "committed past all three");
            }
        }
    }

    private static List<ConsumerRecord> pollFor(KafkaGroupConsumer consumer, int count) {
        List<ConsumerRecord> received = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (received.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                fail("received " + received + ", expected " + count + " records");
            }
            received.addAll(consumer.poll(Duration.ofMillis(200)));
        }
        return received;
    }
}
