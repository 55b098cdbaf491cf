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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one process) started
 * from the project's own build, for machines without Docker:
 *
 * <pre>
 * java -jar kafka-broker/target/kafka-broker.jar [--data-dir data/kafka] [--host 127.0.0.1]
 *                                                [--port 9092] [--controller-port 9093]
 * </pre>
 *
 * <p>The first start formats the storage under {@code --data-dir} (a new cluster id); later starts
 * reuse it, so topics and records survive a restart. It listens on loopback unless told
 * otherwise, prints {@code ready <host>:<port>} once it serves clients, and stops cleanly on
 * SIGTERM (Kafka's own shutdown hook). Settings suit one node and a live demo: replication factor
 * 1 for the internal topics, six partitions for new topics, group heartbeats every 500 ms and a
 * 10 s consumer session.
 */
public final class LocalKafkaBroker {

    static final int EXIT_USAGE = 2;

    private LocalKafkaBroker() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (options == null) {
            System.err.println("usage: java -jar kafka-broker.jar [--data-dir DIR] [--host HOST] [--port PORT]"
                    + " [--controller-port PORT]");
            System.exit(EXIT_USAGE);
            return;
        }
        Path dataDir = Path.of(options.get("data-dir")).toAbsolutePath();
        String host = options.get("host");
        int port = Integer.parseInt(options.get("port"));
        Path config = writeConfig(dataDir, host, port, Integer.parseInt(options.get("controller-port")));
        formatIfNeeded(dataDir, config);
        Thread announcer = new Thread(() -> announceWhenReady(host, port), "ready-announcer");
        announcer.setDaemon(true);
        announcer.start();
        kafka.Kafka.main(new String[]{config.toString()});
    }

    /** The options with their defaults, or null when an argument is not one of them. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>(Map.of("data-dir", "data/kafka", "host", "127.0.0.1",
                "port", "9092", "controller-port", "9093"));
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !options.containsKey(name) || i + 1 >= args.length) {
                return null;
            }
            options.put(name, args[i + 1]);
        }
        for (String port : List.of("port", "controller-port")) {
            try {
                int p = Integer.parseInt(options.get(port));
                if (p < 1 || p > 65535) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return options;
    }

    /** Writes {@code server.properties} into the data directory (again at every start, from the options). */
    static Path writeConfig(Path dataDir, String host, int port, int controllerPort) throws IOException {
        Files.createDirectories(dataDir);
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
        p.setProperty("log.dirs", dataDir.resolve("logs").toString());
        p.setProperty("num.partitions", "6");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
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
        Path file = dataDir.resolve("server.properties");
        Path tmp = dataDir.resolve("server.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "written by LocalKafkaBroker at every start");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Formats the log directory as a new single-node cluster, unless it was formatted before. */
    static void formatIfNeeded(Path dataDir, Path config) {
        if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        Path log = dataDir.resolve("format.log");
        int status;
        try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(new String[]{"format", "--config", config.toString(), "--cluster-id",
                    clusterId, "--standalone"}, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (status != 0) {
            throw new IllegalStateException("formatting the Kafka storage in " + dataDir + " failed with status "
                    + status + "; see " + log);
        }
        System.out.println("formatted a new single-node cluster " + clusterId + " in " + dataDir);
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
}
