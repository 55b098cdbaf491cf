package dev.photoqueue.queue.log;

import java.time.Clock;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the partitions of one data directory share: the writer thread, the scheduler for periodic
 * forcing, retention and delayed closing, the signal that wakes readers, and the clock.
 */
record LogContext(LogWriter writer, ScheduledExecutorService scheduler, DataSignal signal, Clock clock) {

    /** How long a deleted segment's file stays open for readers that already hold it. */
    static final long DELETED_SEGMENT_GRACE_MS = 30_000;

    void closeLater(Runnable close) {
        try {
            scheduler.schedule(close, DELETED_SEGMENT_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            close.run();
        }
    }
}
