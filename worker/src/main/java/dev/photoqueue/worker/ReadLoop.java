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
     */
    public static void repeat(String reader, Duration retry, BooleanSupplier running, Runnable step) {
        while (running.getAsBoolean()) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                LOG.warn("{}: reading the queue failed, trying again in {} ms: {}", reader, retry.toMillis(),
                        e.toString());
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
