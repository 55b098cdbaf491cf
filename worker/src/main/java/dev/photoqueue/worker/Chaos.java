package dev.photoqueue.worker;

import dev.photoqueue.worker.job.PhotoUploaded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The demo's chaos switch: makes a worker die abruptly in the middle of a photo, after its
 * variants are written and its {@code PhotoProcessed} published but before its job is acked, so
 * redelivery, the worker's duplicate detection, and a second event for the same photo (which a
 * non-idempotent consumer counts twice) can be watched live. A worker dies when it was
 * armed ({@link #crashNext}), by chance ({@link #probability}), or when the photo's file name
 * matches {@link #namePattern}. How it dies is the {@link Crash} mode. Off by default.
 * Thread-safe.
 */
public final class Chaos {

    private static final Logger LOG = LoggerFactory.getLogger(Chaos.class);
    /** The exit status of a process the chaos switch halted, as a kill -9 would be reported (128 + 9). */
    public static final int HALT_STATUS = 137;

    /** How a worker dies. */
    public enum Crash {
        /** The worker's thread stops at once: no ack, no leave, no more heartbeats; its group removes it after the session timeout. */
        THREAD,
        /** The whole process halts ({@code Runtime.halt}): no shutdown hook, no finally block runs. */
        PROCESS
    }

    /** Thrown through a worker's loop to end its thread without a word to the group. */
    static final class WorkerCrash extends Error {
        WorkerCrash(String message) {
            super(message, null, false, false);
        }
    }

    private final Set<String> armed = ConcurrentHashMap.newKeySet();
    private volatile double probability;
    private volatile Pattern namePattern;
    private volatile Crash mode = Crash.THREAD;

    /** The worker {@code workerId} dies at its next photo. */
    public void crashNext(String workerId) {
        armed.add(workerId);
    }

    /** Each photo kills its worker with this probability, 0 (off) to 1. */
    public void probability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("chaos probability must be between 0 and 1, was " + p);
        }
        probability = p;
    }

    /** Photos whose file name matches this regular expression kill their worker; null or blank: off. */
    public void namePattern(String regex) {
        if (regex == null || regex.isBlank()) {
            namePattern = null;
            return;
        }
        try {
            namePattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("chaos name pattern is not a regular expression: " + e.getMessage(), e);
        }
    }

    public void mode(Crash crash) {
        mode = crash;
    }

    public Crash mode() {
        return mode;
    }

    public double probability() {
        return probability;
    }

    public String namePattern() {
        Pattern p = namePattern;
        return p == null ? null : p.pattern();
    }

    /** Parses {@code thread} or {@code process}. */
    public static Crash parseMode(String text) {
        try {
            return Crash.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chaos mode must be thread or process, was '" + text + "'", e);
        }
    }

    /** Called by a worker with a photo in hand: kills the worker when the switch says so. */
    void strike(String workerId, PhotoUploaded job) {
        String reason = null;
        if (armed.remove(workerId)) {
            reason = "asked to";
        } else if (namePattern != null && job.name() != null && namePattern.matcher(job.name()).find()) {
            reason = "its name " + job.name() + " matches " + namePattern.pattern();
        } else if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
            reason = "chance " + probability;
        }
        if (reason == null) {
            return;
        }
        String message = "chaos: worker " + workerId + " dies in the middle of photo " + job.photoId() + " (" + reason
                + ", " + mode.name().toLowerCase(Locale.ROOT) + ")";
        LOG.warn(message);
        if (mode == Crash.PROCESS) {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
        throw new WorkerCrash(message);
    }
}
