package dev.photoqueue.broker;

import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka node (KRaft, broker and controller in one process) started from the
 * project's own build, for machines without Docker; alone, or one of a cluster of such nodes:
 *
 * <pre>
 * java -jar kafka-broker/target/kafka-broker.jar [--data-dir data/kafka] [--host 127.0.0.1]
 *     [--port 9092] [--controller-port 9093]
 *     [--node-id 1 --controller-quorum 1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097
 *      --cluster-id ID]
 * </pre>
 *
 * <p>The first start formats the storage under {@code --data-dir}; later starts reuse it, so
 * topics and records survive a restart (and a kill -9: Kafka recovers its logs at start). It
 * listens on loopback unless told otherwise, prints {@code ready <host>:<port>} once it serves
 * clients, and stops cleanly on SIGTERM (Kafka's own shutdown hook).
 *
 * <p>Alone (no {@code --controller-quorum}), it is a single-node cluster with a new cluster id and
 * one copy of everything. In a quorum of N voters, every node is a voter and a broker, all are
 * started with the same quorum and {@code --cluster-id}, and a node gets ready only once a
 * majority of the voters run. Replication follows the number of nodes ({@link Replication}):
 * with three, every topic (the internal ones too) has three copies and a write is acknowledged
 * once two have it, so any one node may die without losing an acknowledged record or stopping
 * writes; with two of three down, writes stop (too few in-sync replicas, and no controller
 * majority) until one comes back.
 *
 * <p>Group settings suit a live demo: heartbeats every 500 ms and a 10 s consumer session.
 */
public final class LocalKafkaBroker {

    static final int EXIT_USAGE = 2;
    static final String USAGE = "usage: java -jar kafka-broker.jar [--data-dir DIR] [--host HOST] [--port PORT]"
            + " [--controller-port PORT] [--node-id ID --controller-quorum ID@HOST:PORT,... --cluster-id ID]";

    private LocalKafkaBroker() {
    }

    /** {@code --help}: the usage, then each option with its default. */
    static String help() {
        Map<String, String> d = defaults();
        return String.join(System.lineSeparator(), USAGE, "",
                "A Kafka broker and KRaft controller in one process, formatted on first start; it prints",
                "'ready HOST:PORT' once clients can connect, and stops cleanly on Ctrl-C or SIGTERM.", "",
                "  --data-dir DIR              its log and metadata (default " + d.get("data-dir") + ")",
                "  --host HOST                 the address to listen on and advertise (default " + d.get("host") + ")",
                "  --port PORT                 for clients (default " + d.get("port") + ")",
                "  --controller-port PORT      for the controller quorum (default " + d.get("controller-port")
                        + "; in a cluster, this node's quorum entry)",
                "  --node-id ID                this node's id in a cluster (default " + d.get("node-id") + ")",
                "  --controller-quorum VOTERS  a cluster's voters, ID@HOST:PORT,... (default: this node alone)",
                "  --cluster-id ID             the id every node of a cluster shares (default: a new one, alone)",
                "  --help, -h                  this text");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(help());
            return;
        }
        BrokerOptions options;
        try {
            options = BrokerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kafka-broker: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        Path config = writeConfig(options);
        formatIfNeeded(options, config);
        Thread announcer = new Thread(() -> announceWhenReady(options.host(), options.port()), "ready-announcer");
        announcer.setDaemon(true);
        announcer.start();
        kafka.Kafka.main(new String[]{config.toString()});
    }

    /**
     * How many copies each topic gets and how many must have a write before it is acknowledged,
     * for a cluster of {@code nodes} nodes: at most three copies, and two in sync once there are
     * three, so that one node can be lost without losing a write or refusing one.
     */
    record Replication(int factor, int minInSync) {

        static Replication forNodes(int nodes) {
            int factor = Math.min(nodes, 3);
            return new Replication(factor, factor >= 3 ? 2 : 1);
        }
    }

    /** The broker's settings for {@code options}; written to {@code server.properties}. */
    static Properties settings(BrokerOptions o) {
        Replication r = Replication.forNodes(o.quorum().size());
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", String.valueOf(o.nodeId()));
        p.setProperty("listeners", "PLAINTEXT://" + o.host() + ":" + o.port() + ",CONTROLLER://" + o.host() + ":"
                + o.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://" + o.host() + ":" + o.port());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        if (o.standalone()) {
            // a dynamic quorum of one, as the single-node broker always was (its data dirs stay valid)
            p.setProperty("controller.quorum.bootstrap.servers", o.host() + ":" + o.controllerPort());
        } else {
            // a static quorum: every node knows every voter from the start, no voter needs adding
            p.setProperty("controller.quorum.voters", o.quorumSpec());
        }
        p.setProperty("log.dirs", o.dataDir().resolve("logs").toString());
        p.setProperty("num.partitions", "6");
        p.setProperty("default.replication.factor", String.valueOf(r.factor()));
        p.setProperty("min.insync.replicas", String.valueOf(r.minInSync()));
        p.setProperty("offsets.topic.replication.factor", String.valueOf(r.factor()));
        p.setProperty("transaction.state.log.replication.factor", String.valueOf(r.factor()));
        p.setProperty("transaction.state.log.min.isr", String.valueOf(r.minInSync()));
        p.setProperty("share.coordinator.state.topic.replication.factor", String.valueOf(r.factor()));
        p.setProperty("share.coordinator.state.topic.min.isr", String.valueOf(r.minInSync()));
        // a replica that missed writes never becomes leader: acknowledged records are never dropped
        p.setProperty("unclean.leader.election.enable", "false");
        // Failover at demo pace: a killed node is fenced (its partitions get new leaders, it leaves
        // every in-sync replica set) after 6 s without a heartbeat, not Kafka's 9 s.
        p.setProperty("broker.heartbeat.interval.ms", "1000");
        p.setProperty("broker.session.timeout.ms", "6000");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Demo pace: members learn of a rebalance within half a second (Kafka's default is 5 s), and
        // a crashed worker's partitions move after 10 s of silence (default 45 s).
        p.setProperty("group.consumer.heartbeat.interval.ms", "500");
        p.setProperty("group.consumer.min.heartbeat.interval.ms", "100");
        p.setProperty("group.consumer.session.timeout.ms", "10000");
        p.setProperty("group.consumer.min.session.timeout.ms", "1000");
        // SHARED members (share groups): the same pace, record locks (the visibility timeout) down
        // to Kafka's floor of 1 s (its default floor is 15 s), and maxDeliveries up to 24 (the
        // queue sets a group's delivery count limit to maxDeliveries + 1; Kafka's default cap is 10).
        p.setProperty("group.share.heartbeat.interval.ms", "500");
        p.setProperty("group.share.min.heartbeat.interval.ms", "100");
        p.setProperty("group.share.session.timeout.ms", "10000");
        p.setProperty("group.share.min.session.timeout.ms", "1000");
        p.setProperty("group.share.min.record.lock.duration.ms", "1000");
        p.setProperty("group.share.max.delivery.count.limit", "25");
        return p;
    }

    /** Writes {@code server.properties} into the data directory (again at every start, from the options). */
    static Path writeConfig(BrokerOptions options) throws IOException {
        Path dataDir = options.dataDir();
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("server.properties");
        Path tmp = dataDir.resolve("server.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            settings(options).store(out, "written by LocalKafkaBroker at every start");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * Formats the log directory, unless it was formatted before: alone, as a new single-node
     * cluster with a new id; in a quorum, with the quorum's shared {@code --cluster-id}.
     */
    static void formatIfNeeded(BrokerOptions options, Path config) {
        Path dataDir = options.dataDir();
        if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        String clusterId = options.clusterId() != null ? options.clusterId() : Uuid.randomUuid().toString();
        // one id as "--cluster-id=ID": an id may start with '-' (one random id in 64), which the
        // storage tool's parser takes for an option when it stands on its own
        List<String> args = new ArrayList<>(List.of("format", "--config", config.toString(),
                "--cluster-id=" + clusterId));
        if (options.standalone()) {
            args.add("--standalone");
        }
        Path log = dataDir.resolve("format.log");
        int status;
        try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(args.toArray(new String[0]), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (status != 0) {
            throw new IllegalStateException("formatting the Kafka storage in " + dataDir + " failed with status "
                    + status + "; see " + log);
        }
        System.out.println(options.standalone()
                ? "formatted a new single-node cluster " + clusterId + " in " + dataDir
                : "formatted node " + options.nodeId() + " of cluster " + clusterId + " (quorum "
                + options.quorumSpec() + ") in " + dataDir);
    }

    private static void announceWhenReady(String host, int port) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, host + ":" + port);
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    System.out.println("ready " + host + ":" + port);
                    System.out.flush();
                    return;
                } catch (Exception e) {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("could not check the broker at " + host + ":" + port, e));
        }
    }

    /** The defaults of the options, by name. */
    static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", "data/kafka");
        d.put("host", "127.0.0.1");
        d.put("port", "9092");
        d.put("controller-port", "9093");
        d.put("node-id", "1");
        return d;
    }
}
