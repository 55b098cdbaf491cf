package dev.photoqueue.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The loop of a background reader of the queue (the {@code stats} group, the status view, the
 * event meters) that must outlive a bad moment of the backend: a broker away, a member fenced
 * after a long pause. A step that fails is logged and, after a pause, tried again: its next poll
 * reconnects or rejoins. Only the reader's own stop, or an interrupt during a pause, ends it.
 */
public final class ReadLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ReadLoop.class);

    private ReadLoop() {
    }

    /**
     * Runs {@code step} again and again while {@code running} says so. A step that throws is
     * logged as {@code reader}'s and tried again after {@code retry}; one that throws once the
     * reader is stopping ends the loop quietly (closing its consumer may be why it threw).
     * Returns when {@code running} says false, or when the thread is interrupted during a pause
     * (its interrupt flag set again, for the caller to see).
     *
     * <p>A run of failures is logged once, not once a pause: a WARN at its first failure and at
     * each failure that says something else, an INFO at the first step that works again. A full
     * disk or a broker away for an hour would otherwise write a line every {@code retry}.
     */
    public static void repeat(String reader, Duration retry, BooleanSupplier running, Runnable step) {
        repeat(reader, retry, running, step, LOG);
    }

    /** {@link #repeat(String, Duration, BooleanSupplier, Runnable)} logging to {@code log}, for tests. */
    static void repeat(String reader, Duration retry, BooleanSupplier running, Runnable step, Logger log) {
        String lastFailure = null;
        long failures = 0;
        while (running.getAsBoolean()) {
            try {
                step.run();
                if (failures > 0) {
                    log.info("{}: reading the queue works again, after {} failed tries", reader, failures);
                    lastFailure = null;
                    failures = 0;
                }
            } catch (RuntimeException e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                failures++;
                String failure = e.toString();
                if (!failure.equals(lastFailure)) {
                    log.warn("{}: reading the queue failed, trying again every {} ms (said again when the error "
                            + "changes): {}", reader, retry.toMillis(), failure);
                    lastFailure = failure;
                }
                try {
                    Thread.sleep(retry.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
