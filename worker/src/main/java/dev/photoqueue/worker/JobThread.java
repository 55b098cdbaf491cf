package dev.photoqueue.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The threads one worker's image work runs on, apart from the worker's loop thread, which stays at
 * normal priority and talks to the group: a yielding thread at the worker's nice value, and, for
 * jobs run with {@code yieldCores} false, one at normal priority (made at the first such job; the
 * kernel lets a thread lower its priority but never raise it again, so each priority has a thread
 * of its own). While a job runs, the loop thread waits for it and vouches for the member (calls
 * {@code keepAlive} every {@code interval}): image work at nice 19 on a busy machine (a JVM just
 * started, other processes) can take many times the session timeout, and a member silent that
 * long counts as crashed, so its job would be handed to another member, and counted as delivered
 * again, while this one is still on it.
 *
 * <p>Vouching stops once a job has run for {@code maxKeepAlive}: a job that hangs makes its member
 * fall silent, and the job goes to another member after the session timeout, as when a worker
 * dies. A worker whose loop thread dies (a crash) stops vouching at once.
 *
 * <p>Used by one thread, the worker's loop; {@link #close} ends the job threads.
 */
final class JobThread implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobThread.class);

    private final String name;
    private final int nice;
    private final ExecutorService yielding;
    /** The normal-priority thread, made at the first job that does not yield; null until then. */
    private ExecutorService normal;
    private final Duration interval;
    private final Duration maxKeepAlive;
    private final Runnable keepAlive;

    /**
     * Job threads named after {@code name}: the yielding one lowers itself to {@code nice} (0 to
     * 19) before its first job; {@code keepAlive} is called on the caller's thread every
     * {@code interval} while a job runs, until it has run for {@code maxKeepAlive}.
     */
    JobThread(String name, int nice, Duration interval, Duration maxKeepAlive, Runnable keepAlive) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the keep-alive interval of " + name + " must be > 0, was " + interval);
        }
        this.name = name;
        this.nice = nice;
        this.interval = interval;
        this.maxKeepAlive = maxKeepAlive;
        this.keepAlive = keepAlive;
        this.yielding = executor(name, nice);
    }

    private static ExecutorService executor(String name, int nice) {
        return Executors.newSingleThreadExecutor(work -> {
            Thread t = new Thread(() -> {
                CpuPriority.lowerCurrentThread(nice);
                work.run();
            }, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** As {@link #run(String, boolean, Supplier)} on the yielding thread. */
    <T> T run(String what, Supplier<T> job) throws InterruptedException {
        return run(what, true, job);
    }

    /**
     * Runs {@code job} ({@code what} names it in the log) on the yielding job thread, or with
     * {@code yieldCores} false on the normal-priority one, and returns its result,
     * or throws what it threw (a RuntimeException or Error, as it is), keeping the member alive
     * meanwhile. An interrupt of the caller interrupts the job and is thrown as
     * {@link InterruptedException}.
     */
    <T> T run(String what, boolean yieldCores, Supplier<T> job) throws InterruptedException {
        Future<T> running = lane(yieldCores).submit(job::get);
        long start = System.nanoTime();
        boolean vouching = true;
        try {
            while (true) {
                try {
                    return running.get(interval.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException stillRunning) {
                    if (!vouching) {
                        continue;
                    }
                    if (System.nanoTime() - start < maxKeepAlive.toNanos()) {
                        keepAlive.run();
                    } else {
                        vouching = false;
                        LOG.warn("{} has run for {}; no longer keeping its worker in the group: the job goes to "
                                + "another worker after the session timeout", what, maxKeepAlive);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        } catch (InterruptedException e) {
            running.cancel(true);
            throw e;
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("a job threw a checked exception: " + cause, cause);
    }

    private ExecutorService lane(boolean yieldCores) {
        if (yieldCores || nice == 0) {
            return yielding;
        }
        if (normal == null) {
            normal = executor(name + "-normal", 0);
        }
        return normal;
    }

    @Override
    public void close() {
        yielding.shutdownNow();
        if (normal != null) {
            normal.shutdownNow();
        }
    }
}
