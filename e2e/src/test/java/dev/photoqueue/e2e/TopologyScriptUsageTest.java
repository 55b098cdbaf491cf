package dev.photoqueue.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/topology.sh} refusing a command it cannot carry out: one {@code topology:} line
 * saying what is wrong and what to do, exit 1, and nothing started. Needs no built jar and starts
 * no process but the script.
 */
class TopologyScriptUsageTest {

    private static final Path SCRIPT = Path.of("..", "scripts", "topology.sh");

    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        // to a file, not a pipe: processes a faulty script starts would hold a pipe open
        Path output = Files.createTempFile("topology-usage", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("TOPOLOGY_DIR", dir.toString());
        builder.environment().putAll(env);
        Process p = builder.start();
        try {
            boolean ended = p.waitFor(30, TimeUnit.SECONDS);
            String out = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(ended, "topology.sh " + String.join(" ", args) + " did not end within 30 s:\n" + out);
            return new Run(p.exitValue(), out);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    @Test
    void brokerCommandsWithoutAClusterSayOnlyThatNoneWasStarted() throws Exception {
        for (String command : List.of("kill-broker", "start-broker")) {
            Run run = run(command, "1");
            assertEquals(1, run.exit(), command + ":\n" + run.output());
            assertEquals("topology: no cluster in " + dir + "; run: " + SCRIPT + " up\n", run.output(),
                    command + " without a cluster must stop at the first error, not go on with an empty broker count");
        }
    }

    @Test
    void upWithAnotherBrokerCountNamesBothWaysOut() throws Exception {
        Files.writeString(dir.resolve("cluster.properties"), "brokers=1\ncluster_id=AAAAAAAAAAAAAAAAAAAAAA\n");
        Run run = run("up", "1", "--brokers", "3");
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains(dir + " holds a cluster of 1 broker(s), not 3")
                && run.output().contains("rm -r " + dir) && run.output().contains("TOPOLOGY_DIR"), run.output());
    }

    /** The in-house demo left running on the port: its /readyz must not pass for the topology's API. */
    @Test
    void upRefusesAnApiPortAnotherProcessListensOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Run run = run(Map.of("PORT", String.valueOf(port)), "up", "1");
            assertEquals(1, run.exit(), run.output());
            assertTrue(run.output().startsWith("topology: port " + port + " on 127.0.0.1 is in use by another process"),
                    run.output());
            assertTrue(!Files.exists(dir.resolve("cluster.properties")) && !Files.exists(dir.resolve("pids")),
                    "nothing may be started or written when the port is taken: " + run.output());
        }
    }
}
