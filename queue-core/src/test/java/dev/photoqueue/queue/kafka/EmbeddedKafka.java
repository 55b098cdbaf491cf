package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real single-node Kafka cluster (KRaft, broker and controller in one node, on loopback)
 * running inside the test JVM, started once for the whole test run by the first class that uses
 * it ({@code @ExtendWith(EmbeddedKafka.class)}) and stopped when the run ends. Tests share it, so
 * each uses its own topics and groups. Thread-safe.
 *
 * <p>Broker settings are Kafka's defaults except where the contract suite needs faster group
 * reactions: group heartbeats every 100 ms instead of 5 s (a rebalance of the consumer protocol
 * takes a few heartbeats), session timeouts down to 400 ms allowed, and single copies of the
 * internal topics, since there is one broker.
 */
public final class EmbeddedKafka implements BeforeAllCallback {

    /** Broker settings the tests rely on; everything else is Kafka's default. */
    static final Map<String, String> BROKER_SETTINGS = Map.ofEntries(
            Map.entry("group.consumer.heartbeat.interval.ms", "100"),
            Map.entry("group.consumer.min.heartbeat.interval.ms", "50"),
            Map.entry("group.consumer.session.timeout.ms", "6000"),
            Map.entry("group.consumer.min.session.timeout.ms", "400"),
            Map.entry("group.min.session.timeout.ms", "400"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "3"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "3"),
            Map.entry("group.share.heartbeat.interval.ms", "100"),
            Map.entry("group.share.min.heartbeat.interval.ms", "50"),
            Map.entry("group.share.session.timeout.ms", "6000"),
            Map.entry("group.share.min.session.timeout.ms", "400"),
            Map.entry("group.share.assignment.interval.ms", "0"),
            Map.entry("group.share.min.record.lock.duration.ms", "1000"),
            Map.entry("group.share.max.delivery.count.limit", "25"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.num.partitions", "3"));

    private static final Object LOCK = new Object();
    private static Cluster cluster;

    /** The running cluster and how to stop it; JUnit closes it once, when the root context closes. */
    private static final class Cluster implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final KafkaClusterTestKit kit;

        Cluster(KafkaClusterTestKit kit) {
            this.kit = kit;
        }

        @Override
        public void close() throws Exception {
            synchronized (LOCK) {
                cluster = null;
                kit.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (LOCK) {
            if (cluster == null) {
                cluster = start();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(EmbeddedKafka.class.getName(), cluster);
            }
        }
    }

    /** The bootstrap servers of the running cluster; fails when no test class started it. */
    public static String bootstrapServers() {
        synchronized (LOCK) {
            if (cluster == null) {
                throw new IllegalStateException("no embedded Kafka is running: annotate the test class with "
                        + "@ExtendWith(EmbeddedKafka.class)");
            }
            return cluster.kit.bootstrapServers();
        }
    }

    /** A kafka backend on the running cluster, opened the way an application opens it. */
    public static QueueBackend openBackend() {
        return QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrapServers()));
    }

    /**
     * A random suffix for the names of one test's topics and groups: the cluster lives as long as
     * the test JVM, so names must not meet those of another test or an earlier run.
     */
    static String uniqueSuffix() {
        return Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    private static Cluster start() throws Exception {
        return new Cluster(startCluster(1, Map.of()));
    }

    /**
     * Starts a cluster of its own for a test that stops brokers: {@code brokers} brokers and one
     * separate controller, with {@link #BROKER_SETTINGS} overridden by {@code overrides}. The
     * caller closes it.
     */
    static KafkaClusterTestKit startCluster(int brokers, Map<String, String> overrides) throws Exception {
        return startCluster(brokers, brokers == 1, overrides);
    }

    /**
     * As {@link #startCluster(int, Map)}; {@code combined}: the controller runs in the first
     * broker's node. A separate controller keeps the cluster's metadata alive while a broker is
     * shut down and started again ({@code BrokerServer.shutdown}, then {@code startup}: the test
     * kit binds the restarted broker to the port it had).
     */
    static KafkaClusterTestKit startCluster(int brokers, boolean combined, Map<String, String> overrides)
            throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(combined)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        BROKER_SETTINGS.forEach(builder::setConfigProp);
        overrides.forEach(builder::setConfigProp);
        KafkaClusterTestKit kit = builder.build();
        try {
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return kit;
        } catch (Exception e) {
            kit.close();
            throw e;
        }
    }
}
