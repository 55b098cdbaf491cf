package dev.photoqueue.queue.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One test main running in a child JVM, started by {@link ChildJvms}. Its stdout and stderr are
 * read as they come, line by line, so a test can wait for a line and a failure report can show
 * both. Every wait has a deadline of {@link #WAIT} and fails naming the child; none sleeps: a wait
 * for a line wakes when the line arrives, a wait for exit when the process ends, and a wait for a
 * test's own condition checks it again every {@value #RECHECK_MS} ms while the child lives.
 * Meant for the test thread; the reader threads only append lines.
 */
public final class ChildJvm {

    /** Generous: the child starts a JVM on a machine that may be loaded. */
    public static final Duration WAIT = Duration.ofSeconds(60);
    static final long RECHECK_MS = 2;

    private final String name;
    private final Class<?> main;
    private final List<String> args;
    private final Process process;
    private final Output stdout;
    private final Output stderr;
    private boolean killedByTest;

    /** Starts {@code main} with {@code args}, with this JVM's java and class path and {@code jvmOptions}. */
    ChildJvm(String name, List<String> jvmOptions, Class<?> main, List<String> args) throws IOException {
        this.name = name;
        this.main = main;
        this.args = List.copyOf(args);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        this.process = new ProcessBuilder(command).start();
        this.stdout = new Output("stdout", process.getInputStream());
        this.stderr = new Output("stderr", process.getErrorStream());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's first line of output; fails if it ends without one or prints none within {@link #WAIT}. */
    public String firstLine() {
        return awaitLine(line -> true, "any line");
    }

    /**
     * The first line of output (printed so far or later) that {@code matches}; fails if the child's
     * output ends without one, or none comes within {@link #WAIT}.
     */
    public String awaitLine(Predicate<String> matches, String what) {
        return stdout.await(matches, what);
    }

    /** Waits for the child to end, up to {@link #WAIT}, and returns its exit status; its output is then complete. */
    public int awaitExit() {
        awaitEnd("end");
        stdout.awaitEnd();
        stderr.awaitEnd();
        return process.exitValue();
    }

    /**
     * Waits until {@code condition} holds (say, a file the child writes has enough lines); fails if
     * the child ends first or the condition does not hold within {@link #WAIT}.
     */
    public void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                fail(this + " ended (exit " + process.exitValue() + ") before " + what);
            }
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + WAIT.toSeconds() + " s for " + what + " from " + this);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RECHECK_MS));
        }
    }

    /** Kills the child at once (kill -9: no shutdown hook runs) and waits until it is gone. */
    public void kill() {
        killedByTest = true;
        process.destroyForcibly();
        awaitEnd("die of kill -9");
    }

    /**
     * Sends kill -9 and returns at once, as a shell's {@code kill -9 PID; next command} does: the
     * child may still be tearing down (its files, and so its locks, still open) when this returns.
     */
    public void killWithoutWaiting() {
        killedByTest = true;
        process.destroyForcibly();
    }

    private void awaitEnd(String what) {
        try {
            if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail(this + " did not " + what + " within " + WAIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + this + " to " + what, e);
        }
    }

    /** Kills the child if it still runs, for the cleanup after a test; never fails. */
    void killQuietly() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the child was, how it ended and the last {@code maxLines} lines of each of its streams. */
    String report(int maxLines) {
        String state = process.isAlive() ? "still running"
                : (killedByTest ? "killed by the test, " : "") + "exit " + process.exitValue();
        return "=== " + this + " " + String.join(" ", args) + ": " + state + "\n"
                + stdout.tail(maxLines) + stderr.tail(maxLines);
    }

    @Override
    public String toString() {
        return name + " (" + main.getSimpleName() + ", pid " + process.pid() + ")";
    }

    /** The lines of one stream of the child, read by a daemon thread until the stream ends. */
    private final class Output {
        private final String streamName;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private boolean ended;
        private IOException failure;

        Output(String streamName, InputStream in) {
            this.streamName = streamName;
            this.reader = new Thread(() -> read(in), name + " " + streamName);
            reader.setDaemon(true);
            reader.start();
        }

        private void read(InputStream in) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                }
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        synchronized String await(Predicate<String> matches, String what) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (matches.test(lines.get(checked))) {
                        return lines.get(checked);
                    }
                }
                if (ended) {
                    fail(ChildJvm.this + " ended its " + streamName + " without " + what
                            + (failure == null ? "" : " (reading it failed: " + failure + ")"));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("waited " + WAIT.toSeconds() + " s for " + what + " from " + ChildJvm.this);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + what + " from " + ChildJvm.this, e);
                }
            }
        }

        /** After the process ended: waits for the reader to take the rest of the stream. */
        void awaitEnd() {
            try {
                reader.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted reading the " + streamName + " of " + ChildJvm.this, e);
            }
        }

        synchronized String tail(int maxLines) {
            int from = Math.max(0, lines.size() - maxLines);
            StringBuilder out = new StringBuilder("--- " + streamName + (from > 0 ? " (last " + maxLines + " of "
                    + lines.size() + " lines)" : "") + (lines.isEmpty() ? ": nothing" : "") + "\n");
            for (String line : lines.subList(from, lines.size())) {
                out.append(line).append('\n');
            }
            return out.toString();
        }
    }
}
