package dev.photoqueue.queue.env;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link TaskScheduler} on one daemon thread of its own. Closing never interrupts a running task:
 * an interrupt during file I/O would close the file's channel under every other user of it.
 */
final class ThreadTaskScheduler implements TaskScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadTaskScheduler.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final String threadName;
    private final ScheduledThreadPoolExecutor executor;
    /** One-off tasks not yet run, in the order they were submitted: closing runs them. */
    private final LinkedHashSet<OneOff> pending = new LinkedHashSet<>();

    ThreadTaskScheduler(String threadName) {
        this.threadName = threadName;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Wraps a task so that an exception is logged and, for a periodic task, does not end its schedule. */
    static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("background task '{}' failed; it keeps its schedule", name, e);
            }
        };
    }

    /** A one-off task that runs at most once, whether the thread or {@link #close} gets to it. */
    private final class OneOff implements Runnable {
        private final String name;
        private final Runnable task;
        private final AtomicBoolean started = new AtomicBoolean();

        OneOff(String name, Runnable task) {
            this.name = name;
            this.task = task;
        }

        @Override
        public void run() {
            if (!started.compareAndSet(false, true)) {
                return;
            }
            synchronized (pending) {
                pending.remove(this);
            }
            guarded(name, task).run();
        }
    }

    @Override
    public void execute(String name, Runnable task) {
        schedule(name, task, 0);
    }

    @Override
    public void schedule(String name, Runnable task, long delayMs) {
        OneOff oneOff = new OneOff(name, task);
        synchronized (pending) {
            pending.add(oneOff);
        }
        try {
            executor.schedule(oneOff, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // After close, tasks run on the caller's thread: they release resources or fail on a closed log.
            oneOff.run();
        }
    }

    @Override
    public Cancellable scheduleWithFixedDelay(String name, Runnable task, long initialDelayMs, long delayMs) {
        try {
            ScheduledFuture<?> future = executor.scheduleWithFixedDelay(guarded(name, task), initialDelayMs, delayMs,
                    TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException closed) {
            return () -> { };
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{}: a task was still running {} s after close", threadName, CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<OneOff> left;
        synchronized (pending) {
            left = new ArrayList<>(pending);
        }
        left.forEach(OneOff::run);
    }

    @Override
    public String toString() {
        return threadName;
    }
}
