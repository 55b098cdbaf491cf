package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.RecordMetadata;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three brokers, replication factor 3, {@code min.insync.replicas=2}: stopping the broker that
 * leads a partition while records are produced and consumed loses nothing that was acknowledged,
 * and both producing and consuming go on. The cluster is this class's own (one controller and
 * three brokers in the test JVM); the group offsets topic is replicated three times too, so the
 * group survives losing its coordinator.
 */
@Timeout(180)
class ReplicatedClusterTest {

    private static final int RECORDS = 300;
    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = EmbeddedKafka.startCluster(3, Map.of("offsets.topic.replication.factor", "3",
                "transaction.state.log.replication.factor", "3", "transaction.state.log.min.isr", "2"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void stoppingAPartitionLeaderWhileProducingAndConsumingLosesNothingAcknowledged() throws Exception {
        String topic = "replicated";
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", cluster.bootstrapServers()))) {
            backend.admin().createTopic(new NewTopic(topic, 2, (short) 3, Map.of("min.insync.replicas", "2")));
            Producer producer = backend.producer();
            GroupConsumer member = backend.groupConsumer(GroupConsumerConfig.builder("replicated-readers").build());
            member.subscribe(List.of(topic));

            Set<String> acknowledged = new TreeSet<>();
            Set<String> consumed = new TreeSet<>();
            int stopped = -1;
            for (int i = 0; i < RECORDS; i += 10) {
                if (i == RECORDS / 2) {
                    stopped = leaderOfPartitionZero(topic);
                    cluster.brokers().get(stopped).shutdown();
                }
                List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
                for (int k = i; k < i + 10; k++) {
                    sends.add(producer.send(ProducerRecord.of(topic, "user-" + (k % 7), "job-" + k)));
                }
                for (int k = 0; k < sends.size(); k++) {
                    sends.get(k).get(60, TimeUnit.SECONDS);
                    acknowledged.add("job-" + (i + k));
                }
                consume(member, consumed, Duration.ofMillis(50));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!consumed.containsAll(acknowledged)) {
                if (System.nanoTime() - deadline > 0) {
                    Set<String> missing = new TreeSet<>(acknowledged);
                    missing.removeAll(consumed);
                    fail("acknowledged but never consumed after broker " + stopped + " stopped: " + missing);
                }
                consume(member, consumed, Duration.ofMillis(100));
            }
            assertEquals(RECORDS, acknowledged.size(), "every send was acknowledged, also with one broker down");
            assertTrue(consumed.contains("job-" + (RECORDS - 1)), "consumption went on after the stop");
            member.commitSync();
            assertEquals(0, backend.admin().describeGroup("replicated-readers").totalLag());
            member.close();
            producer.close();
        }
    }

    private static void consume(GroupConsumer member, Set<String> consumed, Duration timeout) {
        for (ConsumerRecord r : member.poll(timeout)) {
            consumed.add(r.valueAsString());
            member.ack(r);
        }
    }

    private static int leaderOfPartitionZero(String topic) throws Exception {
        try (var admin = cluster.admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().get(0).leader().id();
        }
    }
}
