package dev.photoqueue.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/topology.sh} as the integration tests run it: in the repository {@code root},
 * with its folder and ports in {@code env} ({@code TOPOLOGY_DIR} is {@code dir}).
 */
final class TopologyScript {

    private final Path root;
    private final Path dir;
    private final Map<String, String> env;

    TopologyScript(Path root, Path dir, Map<String, String> env) {
        this.root = root;
        this.dir = dir;
        this.env = env == null ? Map.of() : Map.copyOf(env);
    }

    /** Runs {@code topology.sh args}; returns its output, failing (with the logs' tails) on a non-zero exit. */
    String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/topology.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "topology.sh " + args[0] + " did not end");
        assertEquals(0, p.exitValue(), "topology.sh " + String.join(" ", args) + ":\n" + out + logs());
        return out;
    }

    /** The last lines of every process's log, for a failure message. */
    String logs() throws IOException {
        Path logs = dir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                sb.append("\n--- ").append(f.getFileName()).append(" (last 30 lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
        }
        return sb.toString();
    }
}
