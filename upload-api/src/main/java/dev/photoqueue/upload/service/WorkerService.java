package dev.photoqueue.upload.service;

import dev.photoqueue.worker.Chaos;
import dev.photoqueue.worker.UnknownWorkerException;
import dev.photoqueue.worker.WorkerPool;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The thumbnail workers embedded in this process: how many, their ids, and resizing. Thread-safe
 * (the pool is).
 */
public final class WorkerService {

    /** The most embedded workers the API lets anyone ask for. */
    public static final int MAX_WORKERS = 16;

    private final WorkerPool pool;

    public WorkerService(WorkerPool pool) {
        this.pool = pool;
    }

    /** Running workers, oldest first. */
    public List<String> ids() {
        return pool.workerIds();
    }

    public int count() {
        return pool.workers();
    }

    /**
     * Makes worker {@code id} die in the middle of its next photo: {@code thread} stops it without
     * ack or heartbeat (its group notices after the session timeout), {@code process} halts the
     * whole process (with embedded workers: this app). {@link UnknownWorkerException} for an
     * unknown worker, {@link IllegalArgumentException} for an unknown mode.
     */
    public void crash(String id, String mode) {
        Chaos.Crash crash = Chaos.parseMode(mode == null ? "thread" : mode);
        if (!pool.workerIds().contains(id)) {
            throw new UnknownWorkerException(id, pool.workerIds());
        }
        pool.chaos().mode(crash);
        pool.crash(id);
    }

    /** The number of workers the pool keeps (crashed ones are replaced up to it). */
    public int target() {
        return pool.target();
    }

    /** Crashed workers replaced since start. */
    public long restarts() {
        return pool.restarts();
    }

    /** Crashed workers waiting for their replacement. */
    public int restarting() {
        return pool.restarting();
    }

    /** How long a crashed worker stays dead before its replacement starts. */
    public long restartDelayMs() {
        return pool.config().restartDelay().toMillis();
    }

    /** The chaos switch of the embedded workers (crash by chance or by file name). */
    public Chaos chaos() {
        return pool.chaos();
    }

    /** Grows or shrinks the pool; {@link IllegalArgumentException} outside 0..{@value #MAX_WORKERS}. */
    public List<String> resize(int count) {
        if (count < 0 || count > MAX_WORKERS) {
            throw new IllegalArgumentException("count must be between 0 and " + MAX_WORKERS + ", was " + count);
        }
        pool.setWorkers(count);
        return ids();
    }

    /** Runs {@code action} while no embedded worker is in the group; see {@link WorkerPool#whilePaused}. */
    public <T> T whilePaused(Duration timeout, Supplier<T> action) {
        return pool.whilePaused(timeout, action);
    }

    /** True when {@code clientId} is the client id of one of this process's workers, running or not. */
    public boolean isOwnWorker(String clientId) {
        return clientId != null && clientId.startsWith(pool.config().workerId() + "-");
    }
}
