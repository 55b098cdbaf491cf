package dev.photoqueue.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for the comparison: {@code kafka-broker.jar} (the project's own build of the
 * broker) in a child process on free loopback ports, its data under the benchmark's work dir.
 * Closing stops it (SIGTERM, then kill after 30 s).
 */
final class LocalBroker implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;

    private LocalBroker(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    static LocalBroker start(Path jar, Path dataDir) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no Kafka broker jar at " + jar.toAbsolutePath()
                    + "; build it (mvn -B -q package -DskipTests) or pass --broker-jar");
        }
        int port = freePort();
        int controllerPort = freePort();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--data-dir", dataDir.toString(), "--port", String.valueOf(port),
                "--controller-port", String.valueOf(controllerPort))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = "ready 127.0.0.1:" + port;
        for (String line; (line = out.readLine()) != null; ) {
            System.out.println("[kafka] " + line);
            if (line.equals(ready)) {
                return new LocalBroker(process, "127.0.0.1:" + port);
            }
            lines.add(line);
        }
        throw new IllegalStateException("the Kafka broker ended before it was ready: " + lines);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
