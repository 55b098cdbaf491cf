package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static dev.photoqueue.queue.kafka.OrderedMemberFixture.WAIT_NANOS;
import static dev.photoqueue.queue.kafka.OrderedMemberFixture.pollFor;
import static dev.photoqueue.queue.kafka.OrderedMemberFixture.topicWithRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An ORDERED member on Kafka is removed for silence by Kafka's clock, which counts the poll
 * interval from a poll's start and acts on its heartbeat thread; the member refuses acks by its own
 * clock. The two must not disagree in the way that loses work. When Kafka has removed the member,
 * its ack must be refused (another member has the record). When Kafka has kept it (a heartbeat
 * thread that acted late, on a busy machine), a refused ack's record must come again to it, or it
 * stays outstanding with no one to deliver it. The Kafka consumers here are real, with a fault an
 * edge cannot be given on cue: a long {@code max.poll.interval.ms}, and a poll that returns late.
 */
@ExtendWith(EmbeddedKafka.class)
class MemberSilenceTest {

    private static final long SESSION_MS = 1_000;

    @Test
    void recordsWhoseAcksCameAfterTheSessionTimeoutComeAgainWhenKafkaKeptTheMember() {
        String run = EmbeddedKafka.uniqueSuffix();
        String topic = "late-" + run;
        String group = "late-ackers-" + run;
        try (QueueBackend backend = EmbeddedKafka.openBackend()) {
            topicWithRecords(backend, topic, 3);
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

    @Test
    void anAckAfterAPollThatReturnedPastThePollIntervalIsFencedOnceKafkaRemovedTheMember() {
        String run = EmbeddedKafka.uniqueSuffix();
        String topic = "stalled-" + run;
        String group = "stalled-" + run;
        try (QueueBackend backend = EmbeddedKafka.openBackend()) {
            topicWithRecords(backend, topic, 1);
            KafkaBackend kafka = (KafkaBackend) backend;
            GroupConsumerConfig config = GroupConsumerConfig.builder(group).sessionTimeoutMs(2_000).build();
            AtomicBoolean stallNextPoll = new AtomicBoolean();
            // a poll whose thread starves after Kafka's last round in it: it returns only once
            // Kafka, counting from that round, has removed the member
            KafkaConsumer<byte[], byte[]> stalling = new KafkaConsumer<>(OrderedMemberClient.settings(kafka.config(),
                    config), new ByteArrayDeserializer(), new ByteArrayDeserializer()) {
                @Override
                public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
                    ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
                    if (records.isEmpty() && stallNextPoll.getAndSet(false)) {
                        awaitGroupEmpty(backend, group);
                    }
                    return records;
                }
            };
            try (KafkaGroupConsumer a = new KafkaGroupConsumer(kafka, config, stalling);
                 KafkaGroupConsumer b = new KafkaGroupConsumer(kafka, config)) {
                a.subscribe(List.of(topic));
                ConsumerRecord taken = pollFor(a, 1).get(0);
                stallNextPoll.set(true);
                assertEquals(List.of(), a.poll(Duration.ofMillis(10)), "nothing more for a");

                b.subscribe(List.of(topic));
                ConsumerRecord retaken = pollFor(b, 1).get(0);
                assertEquals(2, retaken.deliveryCount(), "b has the record a was removed with");
                assertThrows(FencedMemberException.class, () -> a.ack(taken),
                        "a's ack after Kafka removed it, however late its poll returned");
                b.ack(retaken);
                b.commitSync();
                assertEquals(0, backend.admin().describeGroup(group).totalLag(), "b's ack counted, once");
            }
        }
    }

    private static void awaitGroupEmpty(QueueBackend backend, String group) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!backend.admin().describeGroup(group).members().isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Kafka did not remove the silent member of " + group);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
