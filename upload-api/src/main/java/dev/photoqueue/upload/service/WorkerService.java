package dev.photoqueue.upload.service;

import dev.photoqueue.worker.Chaos;
import dev.photoqueue.worker.UnknownWorkerException;
import dev.photoqueue.worker.WorkerConfig;
import dev.photoqueue.worker.WorkerPool;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The thumbnail workers embedded in this process: how many, their ids, resizing, and their chaos
 * switch (crashes on demand, by chance or by file name). Thread-safe (the pool and its switch are).
 */
public final class WorkerService {

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
     * Makes worker {@code id} die with its next photo, at the chaos switch's point: {@code thread}
     * (the default) stops it without ack or heartbeat (its group notices after the session
     * timeout), {@code process} halts the whole process (with embedded workers: this app). Returns
     * the switch as it is now. {@link WorkerNotFoundException} for an unknown worker,
     * {@link InvalidValueException} for an unknown mode.
     */
    public ChaosSettings crash(String id, String mode) {
        Chaos.Crash crash;
        try {
            crash = Chaos.parseMode(mode == null ? "thread" : mode);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(e);
        }
        try {
            if (!pool.workerIds().contains(id)) {
                throw new UnknownWorkerException(id, pool.workerIds());
            }
            pool.chaos().mode(crash);
            pool.crash(id); // throws too when the worker died since the look above
        } catch (UnknownWorkerException e) {
            throw new WorkerNotFoundException(e.getMessage(), e);
        }
        return chaos();
    }

    /**
     * The chaos switch of the embedded workers, as the API shows it.
     *
     * @param mode        {@code thread} or {@code process}: how a worker dies
     * @param probability the chance, 0 to 1, that a photo kills its worker
     * @param namePattern photos whose file name matches it kill their worker; null: off
     * @param point       {@code mid-photo}, {@code after-publish}, or {@code any} (either, by chance)
     * @param crashes     the photos still due to kill their worker, whichever workers take them
     */
    public record ChaosSettings(String mode, double probability, String namePattern, String point, int crashes) {
    }

    /**
     * A change of the chaos switch: each field null leaves that setting as it is. A blank
     * {@code namePattern} turns the name rule off; {@code point} {@code any} lets chance choose.
     */
    public record ChaosChange(String mode, Double probability, String point, Integer crashes, String namePattern) {
    }

    public ChaosSettings chaos() {
        Chaos chaos = pool.chaos();
        return new ChaosSettings(chaos.mode().name().toLowerCase(Locale.ROOT), chaos.probability(),
                chaos.namePattern(), chaos.point() == null ? "any" : chaos.point().wireName(), chaos.crashesLeft());
    }

    /**
     * Applies {@code change} in the order of its fields; {@link InvalidValueException} naming the
     * first bad value, and the settings before it stay applied.
     */
    public ChaosSettings updateChaos(ChaosChange change) {
        Chaos chaos = pool.chaos();
        try {
            if (change.mode() != null) {
                chaos.mode(Chaos.parseMode(change.mode()));
            }
            if (change.probability() != null) {
                chaos.probability(change.probability());
            }
            if (change.point() != null) {
                chaos.point(Chaos.parsePoint(change.point()));
            }
            if (change.crashes() != null) {
                chaos.crashes(change.crashes());
            }
            if (change.namePattern() != null) {
                chaos.namePattern(change.namePattern());
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(e);
        }
        return chaos();
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

    /** The most workers the pool keeps: {@link #resize} and {@link #resizeBy} refuse a count past it. */
    public int max() {
        return WorkerConfig.MAX_WORKER_COUNT;
    }

    /** Grows or shrinks the pool; {@link InvalidValueException} outside 0..{@value WorkerConfig#MAX_WORKER_COUNT}. */
    public synchronized List<String> resize(int count) {
        if (count < 0 || count > WorkerConfig.MAX_WORKER_COUNT) {
            throw new InvalidValueException("count must be between 0 and " + WorkerConfig.MAX_WORKER_COUNT + ", was "
                    + count);
        }
        pool.setWorkers(count);
        return ids();
    }

    /**
     * Grows or shrinks the pool by {@code change} from the number it keeps now ({@link #target}).
     * The target is read and set under the lock {@link #resize} takes too, so of several changes
     * at once each counts. {@link InvalidValueException} when the result falls outside
     * 0..{@value WorkerConfig#MAX_WORKER_COUNT}, and then nothing changes.
     */
    public synchronized List<String> resizeBy(int change) {
        int now = pool.target();
        long count = (long) now + change;
        if (count < 0 || count > WorkerConfig.MAX_WORKER_COUNT) {
            throw new InvalidValueException("a change of " + change + " from " + now + " workers makes " + count
                    + ", outside 0.." + WorkerConfig.MAX_WORKER_COUNT);
        }
        return resize((int) count);
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
