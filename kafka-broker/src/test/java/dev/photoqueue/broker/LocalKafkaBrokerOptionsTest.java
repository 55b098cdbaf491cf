package dev.photoqueue.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalKafkaBrokerOptionsTest {

    private static final String CLUSTER_ID = "GJqDr5xFRmG47YBD2sT-Cg";
    private static final String QUORUM = "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097";

    @Test
    void defaultsAreOneNodeAloneOnLoopbackPorts9092And9093WithDataInDataKafka() {
        BrokerOptions o = BrokerOptions.parse(new String[0]);
        assertEquals(Path.of("data/kafka").toAbsolutePath(), o.dataDir());
        assertEquals("127.0.0.1", o.host());
        assertEquals(9092, o.port());
        assertEquals(9093, o.controllerPort());
        assertEquals(1, o.nodeId());
        assertTrue(o.standalone());
        assertNull(o.clusterId());
        Properties p = LocalKafkaBroker.settings(o);
        assertEquals("127.0.0.1:9093", p.getProperty("controller.quorum.bootstrap.servers"));
        assertNull(p.getProperty("controller.quorum.voters"));
        assertEquals("1", p.getProperty("default.replication.factor"));
        assertEquals("1", p.getProperty("min.insync.replicas"));
    }

    @Test
    void givenOptionsReplaceTheDefaults() {
        BrokerOptions o = BrokerOptions.parse(new String[]{"--port", "19092", "--data-dir", "/tmp/k"});
        assertEquals(19092, o.port());
        assertEquals(Path.of("/tmp/k"), o.dataDir());
        assertEquals(9093, o.controllerPort());
    }

    @Test
    void aNodeOfAThreeNodeQuorumReplicatesEverythingThreeTimesAndAcknowledgesOnTwo() {
        BrokerOptions o = BrokerOptions.parse(new String[]{"--node-id", "2", "--port", "9094",
                "--controller-quorum", QUORUM, "--cluster-id", CLUSTER_ID});
        assertFalse(o.standalone());
        assertEquals(9095, o.controllerPort(), "the controller port comes from the node's quorum entry");
        assertEquals(List.of(1, 2, 3), o.quorum().stream().map(BrokerOptions.Voter::id).toList());
        Properties p = LocalKafkaBroker.settings(o);
        assertEquals("2", p.getProperty("node.id"));
        assertEquals(QUORUM, p.getProperty("controller.quorum.voters"));
        assertNull(p.getProperty("controller.quorum.bootstrap.servers"));
        assertEquals("PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095", p.getProperty("listeners"));
        for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor", "share.coordinator.state.topic.replication.factor")) {
            assertEquals("3", p.getProperty(key), key);
        }
        for (String key : List.of("min.insync.replicas", "transaction.state.log.min.isr",
                "share.coordinator.state.topic.min.isr")) {
            assertEquals("2", p.getProperty(key), key);
        }
        assertEquals("false", p.getProperty("unclean.leader.election.enable"));
    }

    @Test
    void replicationFollowsTheNumberOfNodesUpToThreeCopiesTwoInSync() {
        assertEquals(new LocalKafkaBroker.Replication(1, 1), LocalKafkaBroker.Replication.forNodes(1));
        assertEquals(new LocalKafkaBroker.Replication(2, 1), LocalKafkaBroker.Replication.forNodes(2));
        assertEquals(new LocalKafkaBroker.Replication(3, 2), LocalKafkaBroker.Replication.forNodes(3));
        assertEquals(new LocalKafkaBroker.Replication(3, 2), LocalKafkaBroker.Replication.forNodes(5));
    }

    @Test
    void badOptionsAreRefusedNamingTheOptionAndTheValue() {
        assertRefused("unknown option '--replicas'", "--replicas", "3");
        assertRefused("option --port needs a value", "--port");
        assertRefused("--port 0 is out of range 1..65535", "--port", "0");
        assertRefused("--port 70000 is out of range", "--port", "70000");
        assertRefused("--controller-port 'x' is not a whole number", "--controller-port", "x");
        assertRefused("unknown option '9092'", "9092");
        assertRefused("--node-id -1 is out of range", "--node-id", "-1");
        assertRefused("needs --cluster-id", "--controller-quorum", QUORUM);
        assertRefused("--node-id 4 is not a voter of --controller-quorum", "--node-id", "4",
                "--controller-quorum", QUORUM, "--cluster-id", CLUSTER_ID);
        assertRefused("entry '2@127.0.0.1' of", "--controller-quorum", "1@127.0.0.1:9093,2@127.0.0.1",
                "--cluster-id", CLUSTER_ID);
        assertRefused("names node 1 twice", "--controller-quorum", "1@h:9093,1@h:9095", "--cluster-id", CLUSTER_ID);
        assertRefused("--controller-port 9099 differs from the port of node 1", "--controller-port", "9099",
                "--controller-quorum", QUORUM, "--cluster-id", CLUSTER_ID);
        assertRefused("--cluster-id 'not-an-id' is not a Kafka cluster id", "--cluster-id", "not-an-id");
    }

    /**
     * One random cluster id in 64 starts with '-' (URL-safe base64): the storage tool's own
     * parser took such an id for an option, so a three-node topology failed to start now and then.
     */
    @Test
    void aNodeIsFormattedWithAClusterIdThatStartsWithADash(@TempDir Path dataDir) throws Exception {
        String dashed = "-" + CLUSTER_ID.substring(1);
        BrokerOptions o = BrokerOptions.parse(new String[]{"--node-id", "1", "--data-dir", dataDir.toString(),
                "--controller-quorum", QUORUM, "--cluster-id", dashed});
        LocalKafkaBroker.formatIfNeeded(o, LocalKafkaBroker.writeConfig(o));
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("logs").resolve("meta.properties"))) {
            meta.load(in);
        }
        assertEquals(dashed, meta.getProperty("cluster.id"));
    }

    private static void assertRefused(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BrokerOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
