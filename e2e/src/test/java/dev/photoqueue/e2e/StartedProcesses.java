package dev.photoqueue.e2e;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes a test starts (a Kafka broker, workers), none left behind: after each test every
 * one of them still running is killed (kill -9) and waited for, up to {@value #KILL_WAIT_SECONDS} s
 * each. A test class registers it as a JUnit extension:
 *
 * <pre>{@code @RegisterExtension final StartedProcesses processes = new StartedProcesses();}</pre>
 *
 * Used by the test thread only.
 */
final class StartedProcesses implements AfterEachCallback {

    static final long KILL_WAIT_SECONDS = 30;

    private final List<Process> processes = new ArrayList<>();

    /** Starts {@code builder}'s process; it is killed after the test if it still runs. */
    Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /**
     * Starts {@code kafka-broker.jar} of the repository {@code root} on free ports, with its data in
     * {@code dir/kafka} and its stderr in {@code dir/broker.err}; returns its bootstrap address once
     * it printed its ready line. Fails, showing its stderr, if it ends before.
     */
    String startKafkaBroker(Path root, Path dir) throws IOException {
        int port = BuiltProject.freePort();
        Process broker = start(new ProcessBuilder(BuiltProject.java(), "-jar",
                root.resolve("kafka-broker/target/kafka-broker.jar").toString(), "--data-dir",
                dir.resolve("kafka").toString(), "--port", String.valueOf(port), "--controller-port",
                String.valueOf(BuiltProject.freePort())).redirectError(dir.resolve("broker.err").toFile()));
        BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("ready 127.0.0.1:" + port)) {
                return "127.0.0.1:" + port;
            }
        }
        throw new AssertionError("the broker ended before it was ready: "
                + Files.readString(dir.resolve("broker.err")));
    }

    /**
     * Starts {@code worker.jar} of the repository {@code root} with {@code workers} workers on the
     * Kafka broker at {@code bootstrap}, with its data in {@code dir/data}, its worker id
     * {@code name}, its output in {@code dir/name.log} and its health file beside it.
     */
    Process startWorker(Path root, Path dir, String bootstrap, String name, int workers) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(BuiltProject.java(), "-jar",
                root.resolve("worker/target/worker.jar").toString())
                .redirectOutput(dir.resolve(name + ".log").toFile()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("QUEUE_BACKEND", "kafka", "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "DATA_DIR", dir.resolve("data").toString(), "WORKERS", String.valueOf(workers), "PARTITIONS", "4",
                "PQ_WORKER_ID", name, "PQ_BLOB_FSYNC", "false",
                "HEALTH_FILE", dir.resolve(name + ".health").toString()));
        return start(pb);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        processes.clear();
    }
}
