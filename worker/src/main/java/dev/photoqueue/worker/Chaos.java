package dev.photoqueue.worker;

import dev.photoqueue.worker.job.PhotoUploaded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The demo's chaos switch: makes a worker die abruptly with a photo in hand, so that redelivery,
 * the worker's duplicate detection, a second event for the same photo (which a non-idempotent
 * consumer counts twice), a lost photo (at-most-once) or an aborted transaction (exactly-once)
 * can be watched live. A worker dies when it was armed ({@link #crashNext}), while the budget of
 * {@link #crashes} lasts, by chance ({@link #probability}), or when the photo's file name matches
 * {@link #namePattern}; where in the photo it dies is the {@link Point}, how it dies the
 * {@link Crash} mode. Off by default. Thread-safe.
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

    /** Where in a photo a worker dies. */
    public enum Point {
        /**
         * After the variants are written, before the outcome is published: at-most-once loses the
         * photo; the other guarantees deliver it again and the next worker finds the variants there.
         */
        MID_PHOTO("mid-photo"),
        /**
         * Between publishing the outcome and acking the job, the worst moment: at-least-once
         * delivers the job again and publishes its outcome a second time; exactly-once dies with
         * the transaction open, so the outcome it sent is never read.
         */
        AFTER_PUBLISH("after-publish");

        private final String wireName;

        Point(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** The decision for one photo: where its worker dies, or {@link #NONE}. */
    record Strike(Point point, String message, Crash crash) {
        static final Strike NONE = new Strike(null, null, null);

        /** Kills the worker when this photo's crash is due {@code here}. */
        void at(Point here) {
            if (point != here) {
                return;
            }
            LOG.warn(message);
            if (crash == Crash.PROCESS) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            throw new WorkerCrash(message);
        }
    }

    /** Thrown through a worker's loop to end its thread without a word to the group. */
    static final class WorkerCrash extends Error {
        WorkerCrash(String message) {
            super(message, null, false, false);
        }
    }

    private final Set<String> armed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger budget = new AtomicInteger();
    /** The point crashes happen at; null: either, by chance. */
    private volatile Point point;
    private volatile double probability;
    private volatile Pattern namePattern;
    private volatile Crash mode = Crash.THREAD;

    /** The worker {@code workerId} dies at its next photo. */
    public void crashNext(String workerId) {
        armed.add(workerId);
    }

    /**
     * The next {@code count} photos, whichever workers take them, kill their worker (0 cancels what
     * is left): a known number of crashes, for a count that must come out exact.
     */
    public void crashes(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("chaos crashes must be >= 0, was " + count);
        }
        budget.set(count);
    }

    /** Crashes still due from {@link #crashes}. */
    public int crashesLeft() {
        return budget.get();
    }

    /** Where crashes happen; null: at either point, by chance. */
    public void point(Point at) {
        point = at;
    }

    public Point point() {
        return point;
    }

    /** Parses {@code mid-photo}, {@code after-publish} or {@code any} (null). */
    public static Point parsePoint(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("any")) {
            return null;
        }
        for (Point p : Point.values()) {
            if (p.wireName.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("chaos point must be mid-photo, after-publish or any, was '" + text + "'");
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

    /**
     * Called by a worker as it starts a photo: decides whether and where the photo kills it. The
     * budget of {@link #crashes} is spent here, so that each crash it asked for happens once.
     */
    Strike decide(String workerId, PhotoUploaded job) {
        String reason = null;
        if (armed.remove(workerId)) {
            reason = "asked to";
        } else if (budget.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reason = "one of a counted number of crashes";
        } else if (namePattern != null && job.name() != null && namePattern.matcher(job.name()).find()) {
            reason = "its name " + job.name() + " matches " + namePattern.pattern();
        } else if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
            reason = "chance " + probability;
        }
        if (reason == null) {
            return Strike.NONE;
        }
        Point at = point != null ? point : Point.values()[ThreadLocalRandom.current().nextInt(Point.values().length)];
        Crash crash = mode;
        String where = at == Point.MID_PHOTO ? "in the middle of photo " + job.photoId()
                : "between publishing the outcome of photo " + job.photoId() + " and acking its job";
        return new Strike(at, "chaos: worker " + workerId + " dies " + where + " (" + reason + ", "
                + crash.name().toLowerCase(Locale.ROOT) + ")", crash);
    }
}
