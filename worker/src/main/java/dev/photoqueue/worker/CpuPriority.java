package dev.photoqueue.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the CPU priority of the calling thread, so that image work yields the cores to the upload
 * API's request threads when both run in one process: with the workers busy on every core, an
 * upload would otherwise wait its turn behind a decode, and the 202 that should take milliseconds
 * takes a time slice or two. Java's own {@link Thread#setPriority} does nothing on Linux without
 * JVM flags, so this sets the thread's nice value the way the kernel allows any unprivileged
 * process to: only upward (lower priority), with {@code renice} on the thread's id, which Linux
 * applies to that one thread (setpriority(2), PRIO_PROCESS with a thread id).
 *
 * <p>Best effort by design: where there is no {@code /proc/thread-self} or no {@code renice} (not
 * Linux, a minimal image) the thread keeps its priority and a line is logged once; nothing fails.
 */
final class CpuPriority {

    private static final Logger LOG = LoggerFactory.getLogger(CpuPriority.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static volatile boolean warned;

    private CpuPriority() {
    }

    /**
     * Sets the calling thread's nice value to {@code nice} (0 to 19; 0 does nothing). Returns
     * whether the thread now runs at that value.
     */
    static boolean lowerCurrentThread(int nice) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("a worker's nice value must be between 0 and 19, was " + nice);
        }
        if (nice == 0) {
            return true;
        }
        Optional<String> tid = currentThreadId();
        if (tid.isEmpty()) {
            warnOnce("the thread id is unknown (no " + THREAD_SELF + ")");
            return false;
        }
        if (!renice(tid.get(), nice)) {
            return false;
        }
        return currentNice().orElse(Integer.MIN_VALUE) == nice;
    }

    /**
     * Sets the nice value of the thread with id {@code tid} (of this process, from
     * {@link #currentThreadId} on that thread) to {@code nice}, upward only; whether renice did.
     * From any thread: a running job can be lowered while it runs.
     */
    static boolean lowerThread(String tid, int nice) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("a worker's nice value must be between 0 and 19, was " + nice);
        }
        return nice == 0 || renice(tid, nice);
    }

    private static boolean renice(String tid, int nice) {
        try {
            Process renice = new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                warnOnce("renice did not finish within 5 s");
                return false;
            }
            if (renice.exitValue() != 0) {
                warnOnce("renice exited with status " + renice.exitValue());
                return false;
            }
            return true;
        } catch (IOException e) {
            warnOnce("renice cannot run: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calling thread's nice value as the kernel reports it, where it does. */
    static Optional<Integer> currentNice() {
        try {
            String stat = Files.readString(THREAD_SELF.resolve("stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) is in parentheses and may hold spaces; nice is field 19
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Integer.parseInt(fields[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** "/proc/thread-self" links to "<pid>/task/<tid>" for the thread that reads it. */
    static Optional<String> currentThreadId() {
        try {
            Path target = Files.readSymbolicLink(THREAD_SELF);
            return Optional.of(target.getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.info("thumbnail workers keep their normal CPU priority: {}", why);
        }
    }
}
