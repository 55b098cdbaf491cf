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
 * of its own; {@link #yieldNow} lowers a normal job while it runs, and the next gets a new thread).
 * While a job runs, the loop thread waits for it and vouches for the member (calls
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

    /** Runs renice for {@link #yieldNow}, off the caller's thread (a request thread must not wait for it). */
    private static final ExecutorService LOWERING = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "job-priority");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final int nice;
    private final ExecutorService yielding;
    /** Guards the normal lane's state below: the loop thread runs jobs, any thread may call {@link #yieldNow}. */
    private final Object lane = new Object();
    /** The normal-priority thread, made at the first job that does not yield; null until then. */
    private ExecutorService normal;
    /** The normal thread's id, as it read it when it started; null until then. */
    private volatile String normalTid;
    private boolean normalBusy;
    /** The normal thread was lowered to {@code nice}: the next normal job gets a new thread. */
    private boolean normalLowered;
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
        boolean onNormal = !yieldCores && nice != 0;
        try {
            return runOn(onNormal ? normalLane() : yielding, what, job);
        } finally {
            if (onNormal) {
                synchronized (lane) {
                    normalBusy = false;
                }
            }
        }
    }

    private <T> T runOn(ExecutorService executor, String what, Supplier<T> job) throws InterruptedException {
        Future<T> running = executor.submit(job::get);
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

    /** The normal-priority thread, marked busy; a new one when there is none or the last was lowered. */
    private ExecutorService normalLane() {
        synchronized (lane) {
            if (normal == null || normalLowered) {
                if (normal != null) {
                    normal.shutdown(); // its job is over: the thread ends
                }
                normalTid = null;
                normalLowered = false;
                normal = Executors.newSingleThreadExecutor(work -> {
                    Thread t = new Thread(() -> {
                        normalTid = CpuPriority.currentThreadId().orElse(null);
                        work.run();
                    }, name + "-normal");
                    t.setDaemon(true);
                    return t;
                });
            }
            normalBusy = true;
            return normal;
        }
    }

    /**
     * Lowers the job running at normal priority, if any, to the worker's nice value, from any
     * thread and without waiting: an upload has arrived, and its request threads must not wait
     * behind this job. The job goes on where it is; the next job that need not yield gets a new
     * normal-priority thread (the lowered one cannot rise again).
     */
    void yieldNow() {
        String tid;
        synchronized (lane) {
            if (!normalBusy || normalLowered) {
                return;
            }
            normalLowered = true;
            tid = normalTid;
        }
        if (tid != null) {
            LOWERING.execute(() -> CpuPriority.lowerThread(tid, nice));
        }
    }

    @Override
    public void close() {
        yielding.shutdownNow();
        synchronized (lane) {
            if (normal != null) {
                normal.shutdownNow();
            }
        }
    }
}
