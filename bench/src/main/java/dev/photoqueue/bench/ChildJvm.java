package dev.photoqueue.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe class of this jar in a child JVM with its own flags (a heap cap), echoing its
 * output line by line under the phase's tag, and collects the figures of its result line,
 * {@code <prefix>key=value key=value ...}. The child's stderr goes to ours.
 */
final class ChildJvm {

    /** How the child ended: its exit status, and the figures of its result line (empty if none). */
    record Outcome(int exitCode, Map<String, String> figures) {

        boolean reported(String key) {
            return exitCode == 0 && figures.containsKey(key);
        }

        long longFigure(String key) {
            return Long.parseLong(figures.get(key));
        }

        double doubleFigure(String key) {
            return Double.parseDouble(figures.get(key));
        }
    }

    private ChildJvm() {
    }

    static Outcome run(String phase, List<String> jvmFlags, Class<?> mainClass, List<String> args,
                       String resultPrefix, Duration limit) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        System.out.println("[" + phase + "] child JVM: " + String.join(" ", command));
        Map<String, String> figures = new HashMap<>();
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println("[" + phase + "] child: " + line);
                if (line.startsWith(resultPrefix)) {
                    figures.putAll(keyValues(line.substring(resultPrefix.length())));
                }
            }
        }
        if (!child.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            child.destroyForcibly();
            throw new IllegalStateException(phase + " child JVM still running after " + limit.toMinutes() + " minutes");
        }
        return new Outcome(child.exitValue(), figures);
    }

    private static Map<String, String> keyValues(String line) {
        Map<String, String> map = new HashMap<>();
        for (String pair : line.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return map;
    }
}
