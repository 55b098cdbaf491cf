package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.RecordMetadata;
import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The only broker of a cluster is shut down while a producer and an ORDERED group member of the
 * queue API run, then started again on the same log directories and port: every send that was
 * acknowledged, before, during or after the outage, is consumed afterwards, and consuming goes on.
 * The backend's health is down during the outage, naming the address, and up again after it.
 * The cluster is this class's own (one broker, one controller, in the test JVM), so stopping it
 * disturbs no other test.
 */
@Timeout(240)
class BrokerRestartTest {

    private static final String TOPIC = "restarted";
    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = EmbeddedKafka.startCluster(1, false, Map.of());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void restartingTheBrokerLosesNoAcknowledgedRecordAndConsumingGoesOn() throws Exception {
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", cluster.bootstrapServers(), "kafka.health.interval.ms", "200"))) {
            backend.admin().createTopic(new NewTopic(TOPIC, 2, (short) 1, Map.of()));
            Producer producer = backend.producer();
            GroupConsumer member = backend.groupConsumer(GroupConsumerConfig.builder("restart-readers").build());
            member.subscribe(List.of(TOPIC));
            Set<String> acknowledged = new TreeSet<>();
            Set<String> consumed = new TreeSet<>();

            awaitAcknowledged(send(producer, 0, 100), acknowledged);
            consume(member, consumed, Duration.ofMillis(200));

            BrokerServer broker = cluster.brokers().values().iterator().next();
            broker.shutdown();
            broker.awaitShutdown();
            // A send waits for the topic's metadata (at most kafka.request.timeout.ms) on the
            // caller's thread: the outage's sends run on a thread of their own.
            ExecutorService sender = Executors.newSingleThreadExecutor();
            Future<Map<String, CompletableFuture<RecordMetadata>>> duringOutage =
                    sender.submit(() -> send(producer, 100, 150));
            consumeFor(member, consumed, Duration.ofSeconds(2));
            BackendHealth down = awaitHealth(backend, false);
            assertTrue(down.detail().contains(cluster.bootstrapServers()), down.detail());
            broker.startup();
            cluster.waitForReadyBrokers();
            BackendHealth up = awaitHealth(backend, true);
            assertTrue(up.since().isAfter(down.since()), "up since " + up.since() + ", down since " + down.since());

            awaitAcknowledged(duringOutage.get(120, TimeUnit.SECONDS), acknowledged);
            sender.shutdown();
            awaitAcknowledged(send(producer, 150, 250), acknowledged);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!consumed.containsAll(acknowledged)) {
                if (System.nanoTime() - deadline > 0) {
                    Set<String> missing = new TreeSet<>(acknowledged);
                    missing.removeAll(consumed);
                    fail("acknowledged but not consumed after the broker restarted: " + missing);
                }
                consume(member, consumed, Duration.ofMillis(200));
            }
            assertTrue(acknowledged.contains("job-249"), "sends after the restart are acknowledged");
            // a send reported failed during the outage may still have been written: it is consumed too
            while (commitAndLag(member, backend) != 0) {
                if (System.nanoTime() - deadline > 0) {
                    fail("lag still " + commitAndLag(member, backend) + " after consuming every acknowledged record");
                }
                consume(member, consumed, Duration.ofMillis(200));
            }
            member.close();
            producer.close();
        }
    }

    private static long commitAndLag(GroupConsumer member, QueueBackend backend) {
        member.commitSync();
        return backend.admin().describeGroup("restart-readers").totalLag();
    }

    private static BackendHealth awaitHealth(QueueBackend backend, boolean up) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            BackendHealth health = backend.health();
            if (health.up() == up) {
                return health;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("health did not become " + (up ? "up" : "down") + " within 60 s: " + health);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Sends job-from .. job-(to-1); the futures by value, in order. */
    private static Map<String, CompletableFuture<RecordMetadata>> send(Producer producer, int from, int to) {
        Map<String, CompletableFuture<RecordMetadata>> sends = new LinkedHashMap<>();
        for (int k = from; k < to; k++) {
            sends.put("job-" + k, producer.send(ProducerRecord.of(TOPIC, "user-" + (k % 7), "job-" + k)));
        }
        return sends;
    }

    /**
     * Waits for every send: a success is recorded as acknowledged; a failure must be
     * {@link BackendUnavailableException} (the send gave up while the broker was away), never
     * anything else, and such a record may or may not be consumed later.
     */
    private static void awaitAcknowledged(Map<String, CompletableFuture<RecordMetadata>> sends,
                                          Set<String> acknowledged) throws Exception {
        for (Map.Entry<String, CompletableFuture<RecordMetadata>> send : sends.entrySet()) {
            try {
                send.getValue().get(180, TimeUnit.SECONDS);
                acknowledged.add(send.getKey());
            } catch (ExecutionException e) {
                assertInstanceOf(BackendUnavailableException.class, e.getCause(),
                        "the send of " + send.getKey() + " failed with " + e.getCause());
            }
        }
    }

    /**
     * Polls and acks for {@code duration} while the broker is away: a poll may fail with
     * {@link BackendUnavailableException} when it cannot commit the delivery counts of records it
     * had fetched before; those records come again.
     */
    private static void consumeFor(GroupConsumer member, Set<String> consumed, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                consume(member, consumed, Duration.ofMillis(200));
            } catch (BackendUnavailableException e) {
                // expected while the broker is away
            }
        }
    }

    /** Polls once and acks what came; an ack refused because the member was fenced is redelivered later. */
    private static void consume(GroupConsumer member, Set<String> consumed, Duration timeout) {
        for (ConsumerRecord r : member.poll(timeout)) {
            consumed.add(r.valueAsString());
            try {
                member.ack(r);
            } catch (FencedMemberException e) {
                consumed.remove(r.valueAsString());
            }
        }
    }
}
