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
import java.util.function.Function;

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

        /** The child's garbage collector, as its result line names it ({@code gc=G1_Young_Generation...}). */
        String collector() {
            return figures.get("gc").split("_")[0];
        }
    }

    /** The exit status of a child that ran out of its heap under {@code -XX:+ExitOnOutOfMemoryError}. */
    private static final int OUT_OF_MEMORY_EXIT = 3;
    /** The longest a probe may run before the bench gives up on it. */
    private static final Duration PROBE_LIMIT = Duration.ofMinutes(30);

    private ChildJvm() {
    }

    /**
     * Runs a probe whose heap is capped at {@code capMib}: an {@code OutOfMemoryError} ends the
     * child at once rather than letting it crawl on, so finishing at all proves the cap holds.
     */
    static Outcome runCapped(String phase, int capMib, Class<?> probe, List<String> args, String resultPrefix)
            throws IOException, InterruptedException {
        return run(phase, List.of("-Xmx" + capMib + "m", "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), probe, args, resultPrefix, PROBE_LIMIT);
    }

    /**
     * {@link #runCapped} on a fresh directory of {@code workDir} named after the phase, whose path
     * {@code args} puts among the probe's arguments; the directory is deleted afterwards.
     */
    static Outcome runCappedIn(WorkDir workDir, String phase, int capMib, Class<?> probe,
                               Function<Path, List<String>> args, String resultPrefix)
            throws IOException, InterruptedException {
        Path dir = workDir.fresh(phase);
        try {
            return runCapped(phase, capMib, probe, args.apply(dir), resultPrefix);
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    /** The failed result of {@code phase} for a capped child that did not report: no figure, and why. */
    static Result unreported(String phase, int capMib, Outcome outcome) {
        String why = outcome.exitCode() == OUT_OF_MEMORY_EXIT ? "OutOfMemoryError" : "no result line";
        return new Result(phase, Stats.single(Double.NaN), Unit.MIB, capMib, true, true,
                "child -Xmx" + capMib + "m exited with " + outcome.exitCode() + ": " + why);
    }

    private static Outcome run(String phase, List<String> jvmFlags, Class<?> mainClass, List<String> args,
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
