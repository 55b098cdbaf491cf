package dev.photoqueue.queue.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes readers waiting for new records. Writers bump a version after publishing a high watermark;
 * a reader remembers the version before it looked and waits for it to change, so no wake-up is
 * lost between looking and waiting. Costs the writer one atomic increment when nobody waits.
 */
public final class DataSignal {

    private final AtomicLong version = new AtomicLong();
    private final AtomicInteger waiters = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    public long version() {
        return version.get();
    }

    /** Bumps the version and wakes every waiting reader: after new records, or when a reader has other news. */
    public void signal() {
        version.incrementAndGet();
        if (waiters.get() > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits until the version differs from {@code seen} or the timeout passes; true if it changed. */
    public boolean await(long seen, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        waiters.incrementAndGet();
        lock.lock();
        try {
            while (version.get() == seen) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }

    /**
     * A poll loop's wait: as {@link #await}, for at most {@code maxWaitNanos} and never past
     * {@code deadlineNanos} (on the {@link System#nanoTime} scale). False without waiting once the
     * deadline has passed, and false when interrupted, with the thread's interrupt flag set again:
     * the poll returns. True after the wait, whether or not the version changed: the poll looks again.
     */
    public boolean awaitBefore(long seen, long deadlineNanos, long maxWaitNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            await(seen, Math.min(left, maxWaitNanos), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
