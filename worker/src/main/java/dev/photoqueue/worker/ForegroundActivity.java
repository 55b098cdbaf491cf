package dev.photoqueue.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * When work that must not wait behind image work last arrived in this process: the upload API
 * marks every upload it starts to take in ({@link #started}), and the workers embedded beside it
 * look before each job. A job whose upload is the latest to arrive runs at normal priority: nothing
 * newer competes for the cores, and the photo is done as fast as on a request thread. A job that
 * starts after a newer upload arrived runs at the workers' nice value, so that the request threads
 * taking uploads in get the cores first (see {@link CpuPriority}). Only the choice of priority
 * depends on it; what a job does, and every guarantee, stay the same.
 *
 * An upload that arrives while a job runs at normal priority lowers that job at once.
 *
 * <p>Thread-safe: written by request threads, read by worker threads.
 */
public final class ForegroundActivity {

    private volatile long lastStartedMillis = Long.MIN_VALUE;
    private final List<Runnable> onStart = new CopyOnWriteArrayList<>();

    /**
     * An upload (or other work that must not wait) starts now: jobs running at normal priority are
     * lowered (each worker's {@code onStart} action, which must return at once).
     */
    public void started() {
        lastStartedMillis = System.currentTimeMillis();
        onStart.forEach(Runnable::run);
    }

    /** Runs {@code action} at every {@link #started} from now until {@link #remove}. */
    void whenStarted(Runnable action) {
        onStart.add(action);
    }

    void remove(Runnable action) {
        onStart.remove(action);
    }

    /**
     * True when work started at or after {@code epochMillis}: for a job appended then, a newer
     * upload has arrived since, and the job yields the cores to it.
     */
    public boolean startedSince(long epochMillis) {
        return lastStartedMillis >= epochMillis;
    }
}
