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

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        processes.clear();
    }
}
