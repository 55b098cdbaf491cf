package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Dead letters of a SHARED group on Kafka, with one record in the topic so that the order in which
 * Kafka's share consumer hands records out does not matter (see the disabled
 * {@code sharedRecordReleasedMaxDeliveriesTimesIsDeadLettered} of {@code KafkaSharedModeContractTest}): the
 * headers are those of {@link DeadLetters}, as on the in-house backend, and the record is done for
 * the group once its dead letter is written.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaSharedDeadLetterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final TopicPerTest kafka = new TopicPerTest();

    @BeforeEach
    void oneRecord() throws Exception {
        try (Producer producer = kafka.backend().producer()) {
            producer.send(new ProducerRecord(kafka.topic(), 0, bytes("k0"), bytes("v0"), null,
                    List.of(Header.of("trace", "t0")))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void recordReleasedMaxDeliveriesTimesIsDeadLetteredWithTheLastErrorAndIsDoneForTheGroup() {
        try (GroupConsumer c = shared(GroupConsumerConfig.builder(kafka.group()).maxDeliveries(3))) {
            for (int delivery = 1; delivery <= 3; delivery++) {
                ConsumerRecord r = pollOne(c);
                assertEquals(0, r.offset());
                assertEquals(delivery, r.deliveryCount());
                c.acknowledge(r, AckType.RELEASE, "failure " + delivery);
            }
            assertEquals(List.of(), c.poll(Duration.ofMillis(500)), "the record is done once dead-lettered");
        }
        ConsumerRecord letter = onlyDeadLetter();
        assertEquals("3", letter.header(DeadLetters.DELIVERY_COUNT).valueAsString());
        assertEquals("failure 3", letter.header(DeadLetters.ERROR).valueAsString());
        assertEquals(1, kafka.backend().admin().describeGroup(kafka.group()).partitions().get(0).committed());
    }

    @Test
    void rejectedRecordIsDeadLetteredAtOnceWithItsOriginAndHeaders() {
        try (GroupConsumer c = shared(GroupConsumerConfig.builder(kafka.group()))) {
            ConsumerRecord r = pollOne(c);
            c.acknowledge(r, AckType.REJECT, "cannot parse");
            c.ack(r); // acking a settled record again is harmless
        }
        ConsumerRecord letter = onlyDeadLetter();
        assertEquals("v0", letter.valueAsString());
        assertEquals("k0", letter.keyAsString());
        assertEquals("t0", letter.header("trace").valueAsString());
        assertEquals(kafka.topic(), letter.header(DeadLetters.TOPIC).valueAsString());
        assertEquals("0", letter.header(DeadLetters.PARTITION).valueAsString());
        assertEquals("0", letter.header(DeadLetters.OFFSET).valueAsString());
        assertEquals(kafka.group(), letter.header(DeadLetters.GROUP).valueAsString());
        assertEquals("1", letter.header(DeadLetters.DELIVERY_COUNT).valueAsString());
        assertEquals("cannot parse", letter.header(DeadLetters.ERROR).valueAsString());
        assertEquals(1, kafka.backend().admin().describeGroup(kafka.group()).partitions().get(0).committed());
    }

    @Test
    void redrivenDeadLetterComesBackToTheSharedGroupWithAFreshCount() {
        try (GroupConsumer c = shared(GroupConsumerConfig.builder(kafka.group()))) {
            c.acknowledge(pollOne(c), AckType.REJECT, null);
            ConsumerRecord letter = onlyDeadLetter();
            assertNull(letter.header(DeadLetters.ERROR), "no error given, no error header");
            kafka.backend().admin().redrive(DeadLetters.topicFor(kafka.topic()), letter.offset());
            ConsumerRecord again = pollOne(c);
            assertEquals("v0", again.valueAsString());
            assertEquals(1, again.offset());
            assertEquals(1, again.deliveryCount());
            c.ack(again);
        }
    }

    private GroupConsumer shared(GroupConsumerConfig.Builder config) {
        GroupConsumer c = kafka.backend().groupConsumer(config.mode(ConsumptionMode.SHARED).build());
        c.subscribe(List.of(kafka.topic()));
        return c;
    }

    private static ConsumerRecord pollOne(GroupConsumer c) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                fail("no record within " + WAIT.toSeconds() + " s");
            }
            out.addAll(c.poll(Duration.ofMillis(50)));
        }
        assertEquals(1, out.size(), out.toString());
        return out.get(0);
    }

    private ConsumerRecord onlyDeadLetter() {
        List<ConsumerRecord> letters = kafka.backend().admin().deadLetters(DeadLetters.topicFor(kafka.topic()));
        assertEquals(1, letters.size(), letters.toString());
        return letters.get(0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
