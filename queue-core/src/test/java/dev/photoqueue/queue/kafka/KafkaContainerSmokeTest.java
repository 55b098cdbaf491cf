package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kafka backend against the official {@code apache/kafka} image in Docker, for machines that
 * have a Docker engine (skipped cleanly where there is none): keyed sends land on our partition,
 * a group member reads and acks them, a rejected record reaches the dead-letter topic, and a new
 * member of the group resumes after what was done. The in-JVM broker of the other tests covers the
 * whole contract; this checks nothing differs with a broker built and configured the usual way.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerSmokeTest {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1")
            .withEnv("KAFKA_GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS", "500")
            .withEnv("KAFKA_GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS", "100");

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void keyedRecordsAreConsumedAckedAndDeadLetteredOnADockerizedBroker() throws Exception {
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", KAFKA.getBootstrapServers()))) {
            backend.admin().createTopic(new NewTopic("photos", 3));
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < 9; i++) {
                    String key = "user-" + (i % 3);
                    RecordMetadata md = producer.send(ProducerRecord.of("photos", key, i == 4 ? "bad" : "photo-" + i))
                            .get(30, TimeUnit.SECONDS);
                    assertEquals(Partitioners.forKey(key.getBytes(StandardCharsets.UTF_8), 3), md.partition());
                }
            }
            GroupConsumerConfig config = GroupConsumerConfig.builder("thumbnailers").build();
            try (GroupConsumer member = backend.groupConsumer(config)) {
                member.subscribe(List.of("photos"));
                for (ConsumerRecord r : poll(member, 9)) {
                    member.acknowledge(r, "bad".equals(r.valueAsString()) ? AckType.REJECT : AckType.ACCEPT, "broken");
                }
                member.commitSync();
            }
            assertEquals(0, backend.admin().describeGroup("thumbnailers").totalLag());
            List<ConsumerRecord> letters = backend.admin().deadLetters(DeadLetters.topicFor("photos"));
            assertEquals(1, letters.size(), letters.toString());
            assertEquals("bad", letters.get(0).valueAsString());
            assertEquals("broken", letters.get(0).header(DeadLetters.ERROR).valueAsString());
            try (GroupConsumer next = backend.groupConsumer(config)) {
                next.subscribe(List.of("photos"));
                assertTrue(next.poll(Duration.ofSeconds(3)).isEmpty(), "everything was done before");
            }
        }
    }

    private static List<ConsumerRecord> poll(GroupConsumer member, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                fail("got " + out.size() + " of " + count + " records in " + WAIT.toSeconds() + " s: " + out);
            }
            out.addAll(member.poll(Duration.ofMillis(200)));
        }
        return out;
    }
}
