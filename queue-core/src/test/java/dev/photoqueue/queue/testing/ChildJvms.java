package dev.photoqueue.queue.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts test mains in child JVMs with this JVM's java and class path, for tests that need a real
 * second process (file locks) or a real kill -9. {@link #close} kills whatever is still running.
 */
public final class ChildJvms implements AutoCloseable {

    private final Path logDir;
    private final List<Process> children = new ArrayList<>();

    /** @param logDir where each child's stderr (and, unless read by the test, stdout) goes */
    public ChildJvms(Path logDir) {
        this.logDir = logDir;
    }

    /** Starts {@code main} with {@code args}; stdout stays readable through the process. */
    public Process start(Class<?> main, String... args) throws IOException {
        return start(main, false, args);
    }

    /** Starts {@code main} with {@code args}, its stdout going to a log file too. */
    public Process startLogged(Class<?> main, String... args) throws IOException {
        return start(main, true, args);
    }

    private Process start(Class<?> main, boolean logStdout, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        String name = "child-" + children.size();
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(logDir.resolve(name + ".err").toFile());
        if (logStdout) {
            builder.redirectOutput(logDir.resolve(name + ".out").toFile());
        }
        Process child = builder.start();
        children.add(child);
        return child;
    }

    /** How many children were started; child {@code n} logs to {@code child-n.err} (and {@code .out}). */
    public int started() {
        return children.size();
    }

    /** Kills every child still running (kill -9) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
