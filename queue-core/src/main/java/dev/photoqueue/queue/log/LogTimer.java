package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.LogTimingListener;
import dev.photoqueue.queue.api.TopicPartition;

/**
 * The {@link LogTimingListener} of one data directory, which may be bound and unbound while the
 * log runs. The write path asks {@link #listener} once per batch or force and reads the clock
 * only when one is bound, so an unbound timer costs one volatile read. Thread-safe.
 */
final class LogTimer {

    private volatile LogTimingListener listener;

    void bind(LogTimingListener newListener) {
        listener = newListener;
    }

    /** The bound listener, or null: callers time their work only when this is not null. */
    LogTimingListener listener() {
        return listener;
    }

    /** Runs {@code force} and tells the bound listener how long it took (also when it failed). */
    void timeForce(TopicPartition partition, Runnable force) {
        LogTimingListener bound = listener;
        if (bound == null) {
            force.run();
            return;
        }
        long started = System.nanoTime();
        try {
            force.run();
        } finally {
            bound.forced(partition, System.nanoTime() - started);
        }
    }
}
