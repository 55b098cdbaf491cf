package dev.photoqueue.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TOPOLOGY_DIR", dir.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "topology.sh " + String.join(" ", args) + " did not end");
        return new Run(p.exitValue(), out);
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
}
