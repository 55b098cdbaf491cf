package dev.photoqueue.upload.service;

import dev.photoqueue.worker.WorkerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Back pressure by scaling: while {@link RuntimeSettings#autoscale} is on, once a second it adds an
 * embedded worker when the backlog grew since the last look (up to {@link #maxWorkers}), and
 * removes one after {@value #IDLE_TICKS_BEFORE_SHRINK} seconds of an empty backlog (down to
 * {@link #minWorkers}). Runs on one thread of its own; {@link #tick} is what that thread calls.
 */
public final class Autoscaler implements AutoCloseable {

    static final int IDLE_TICKS_BEFORE_SHRINK = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);

    private final QueueService queue;
    private final WorkerService workers;
    private final SettingsService settings;
    private final int minWorkers;
    private final int maxWorkers;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "autoscaler");
        t.setDaemon(true);
        return t;
    });
    private long lastBacklog = -1;
    private int idleTicks;

    public Autoscaler(QueueService queue, WorkerService workers, SettingsService settings, int minWorkers,
                      int maxWorkers) {
        if (minWorkers < 0 || maxWorkers < minWorkers || maxWorkers > WorkerConfig.MAX_WORKER_COUNT) {
            throw new IllegalArgumentException("autoscaler bounds must satisfy 0 <= min <= max <= "
                    + WorkerConfig.MAX_WORKER_COUNT + ", were " + minWorkers + " and " + maxWorkers);
        }
        this.queue = queue;
        this.workers = workers;
        this.settings = settings;
        this.minWorkers = minWorkers;
        this.maxWorkers = maxWorkers;
    }

    /** The fewest workers it removes down to and the most it adds up to. */
    public record Bounds(int min, int max) {
    }

    /** Its bounds: what {@code GET /api/workers} tells as {@code autoscaleMin} and {@code autoscaleMax}. */
    public Bounds bounds() {
        return new Bounds(minWorkers, maxWorkers);
    }

    public Autoscaler start() {
        timer.scheduleWithFixedDelay(this::safeTick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /**
     * One look at the backlog; returns the number of workers the pool keeps after it. Steps from
     * that number ({@link WorkerService#target}), not from the workers running now: a crashed worker
     * waiting for its replacement is still kept, and a step from the running count would undo the
     * replacement (or, shrinking, remove it as well). Each step is a change, as the page's
     * buttons are, so a worker added by hand meanwhile is not taken back. One caller at a time.
     */
    synchronized int tick() {
        int count = workers.target();
        if (!settings.current().autoscale()) {
            lastBacklog = -1;
            idleTicks = 0;
            return count;
        }
        long backlog = queue.backlog();
        if (backlog > 0 && lastBacklog >= 0 && backlog > lastBacklog && count < maxWorkers) {
            count = step(+1);
            LOG.info("autoscaler: backlog grew from {} to {}, now {} workers", lastBacklog, backlog, count);
        }
        idleTicks = backlog == 0 ? idleTicks + 1 : 0;
        if (idleTicks >= IDLE_TICKS_BEFORE_SHRINK && count > minWorkers) {
            count = step(-1);
            idleTicks = 0;
            LOG.info("autoscaler: idle for {} s, now {} workers", IDLE_TICKS_BEFORE_SHRINK, count);
        }
        lastBacklog = backlog;
        return count;
    }

    private int step(int change) {
        workers.resizeBy(change);
        return workers.target();
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("autoscaler: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
