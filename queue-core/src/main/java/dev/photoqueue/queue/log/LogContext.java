package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.TaskScheduler;

import java.time.Clock;

/**
 * What the partitions of one data directory share: the writer, the scheduler for periodic
 * forcing, retention and delayed closing, the signal that wakes readers, the environment (files
 * and clocks) and the timer of writes and forces.
 */
record LogContext(LogWriter writer, TaskScheduler scheduler, DataSignal signal, Env env, LogTimer timer) {

    /** How long a deleted segment's file stays open for readers that already hold it. */
    static final long DELETED_SEGMENT_GRACE_MS = 30_000;

    FileIO files() {
        return env.files();
    }

    Clock clock() {
        return env.clock();
    }

    void closeLater(Runnable close) {
        scheduler.schedule("close a deleted segment", close, DELETED_SEGMENT_GRACE_MS);
    }
}
