package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

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

    private QueueBackend backend;
    private String topic;
    private String group;

    @BeforeEach
    void openBackendWithOneRecord(TestInfo info) throws Exception {
        String run = info.getTestMethod().orElseThrow().getName() + "-"
                + EmbeddedKafka.uniqueSuffix();
        topic = "t-" + run;
        group = "g-" + run;
        backend = EmbeddedKafka.openBackend();
        backend.admin().createTopic(new NewTopic(topic, 1));
        try (Producer producer = backend.producer()) {
            producer.send(new ProducerRecord(topic, 0, bytes("k0"), bytes("v0"), null,
                    List.of(Header.of("trace", "t0")))).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    @Test
    void recordReleasedMaxDeliveriesTimesIsDeadLetteredWithTheLastErrorAndIsDoneForTheGroup() {
        try (GroupConsumer c = shared(GroupConsumerConfig.builder(group).maxDeliveries(3))) {
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
        assertEquals(1, backend.admin().describeGroup(group).partitions().get(0).committed());
    }

    @Test
    void rejectedRecordIsDeadLetteredAtOnceWithItsOriginAndHeaders() {
        try (GroupConsumer c = shared(GroupConsumerConfig.builder(group))) {
            ConsumerRecord r = pollOne(c);
            c.acknowledge(r, AckType.REJECT, "cannot parse");
            c.ack(r); // acking a settled record again is harmless
        }
        ConsumerRecord letter = onlyDeadLetter();
        assertEquals("v0", letter.valueAsString());
        assertEquals("k0", letter.keyAsString());
        assertEquals("t0", letter.header("trace").valueAsString());
        assertEquals(topic, letter.header(DeadLetters.TOPIC).valueAsString());
        assertEquals("0", letter.header(DeadLetters.PARTITION).valueAsString());
        assertEquals("0", letter.header(DeadLetters.OFFSET).valueAsString());
        assertEquals(group, letter.header(DeadLetters.GROUP).valueAsString());
        assertEquals("1", letter.header(DeadLetters.DELIVERY_COUNT).valueAsString());
        assertEquals("cannot parse", letter.header(DeadLetters.ERROR).valueAsString());
        assertEquals(1, backend.admin().describeGroup(group).partitions().get(0).committed());
    }

    @Test
    void redrivenDeadLetterComesBackToTheSharedGroupWithAFreshCount() {
        try (GroupConsumer c = shared(GroupConsumerConfig.builder(group))) {
            c.acknowledge(pollOne(c), AckType.REJECT, null);
            ConsumerRecord letter = onlyDeadLetter();
            assertNull(letter.header(DeadLetters.ERROR), "no error given, no error header");
            backend.admin().redrive(DeadLetters.topicFor(topic), letter.offset());
            ConsumerRecord again = pollOne(c);
            assertEquals("v0", again.valueAsString());
            assertEquals(1, again.offset());
            assertEquals(1, again.deliveryCount());
            c.ack(again);
        }
    }

    private GroupConsumer shared(GroupConsumerConfig.Builder config) {
        GroupConsumer c = backend.groupConsumer(config.mode(ConsumptionMode.SHARED).build());
        c.subscribe(List.of(topic));
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
        List<ConsumerRecord> letters = backend.admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(1, letters.size(), letters.toString());
        return letters.get(0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
