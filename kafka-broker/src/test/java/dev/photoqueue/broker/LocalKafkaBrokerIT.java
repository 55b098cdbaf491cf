package dev.photoqueue.broker;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code kafka-broker.jar} as docs/kafka.md says, in a child JVM on free loopback ports: it
 * formats its storage, serves a producer and a consumer, stops on SIGTERM, and starts again on
 * the same storage with the records still there. Failsafe passes the jar as {@code broker.jar}.
 */
@Timeout(240)
class LocalKafkaBrokerIT {

    private static Path jar;

    @TempDir
    Path dir;

    private Process broker;

    @BeforeAll
    static void findJar() {
        String path = System.getProperty("broker.jar");
        assumeTrue(path != null && Files.isRegularFile(Path.of(path)), "kafka-broker.jar not built; run mvn verify");
        jar = Path.of(path);
    }

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the broker and waits for its {@code ready} line; returns the other lines it printed first. */
    private List<String> start(Path data, int port, int controllerPort) throws IOException {
        broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "--data-dir", data.toString(), "--port", String.valueOf(port), "--controller-port",
                String.valueOf(controllerPort))
                .redirectError(dir.resolve("broker.err").toFile()).start();
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("ready 127.0.0.1:" + port)) {
                return lines;
            }
            lines.add(line);
        }
        throw new AssertionError("the broker ended without getting ready: " + lines + "; stderr: "
                + Files.readString(dir.resolve("broker.err")));
    }

    @Test
    void helpPrintsEveryOptionWithItsDefaultAndExitsZero() throws Exception {
        Process help = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "--help").redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(60, TimeUnit.SECONDS), "still running after --help");
        assertEquals(0, help.exitValue(), out);
        assertTrue(out.startsWith(LocalKafkaBroker.USAGE), out);
        for (String option : List.of("--data-dir DIR", "--host HOST", "--port PORT", "--controller-port PORT",
                "--node-id ID", "--controller-quorum VOTERS", "--cluster-id ID")) {
            assertTrue(out.contains("\n  " + option + " "), option + " in: " + out);
        }
        LocalKafkaBroker.defaults().forEach((option, value) ->
                assertTrue(out.contains("(default " + value), "--" + option + "'s default " + value + " in: " + out));
    }

    @Test
    void startsFromItsOwnBuildServesClientsAndKeepsRecordsAcrossARestart() throws Exception {
        Path data = dir.resolve("kafka");
        int port = freePort();
        int controllerPort = freePort();
        List<String> first = start(data, port, controllerPort);
        assertTrue(first.stream().anyMatch(l -> l.startsWith("formatted a new single-node cluster")), first.toString());

        String bootstrap = "127.0.0.1:" + port;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("photos", 0, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), readAll(bootstrap, 10));

        broker.destroy();
        assertTrue(broker.waitFor(60, TimeUnit.SECONDS), "the broker did not stop on SIGTERM");
        List<String> second = start(data, port, controllerPort);
        assertTrue(second.stream().noneMatch(l -> l.startsWith("formatted")), "formatted again: " + second);
        assertEquals(10, readAll(bootstrap, 10).size(), "the records survived the restart");
    }

    private static List<String> readAll(String bootstrap, int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("photos", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
