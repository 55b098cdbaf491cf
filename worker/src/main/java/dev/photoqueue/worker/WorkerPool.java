package dev.photoqueue.worker;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A pool of thumbnail workers in this process: N members of the group {@value Topics#THUMBNAILERS},
 * one thread and one consumer each, sharing one producer and one processor. The way to run the
 * worker embedded (in the upload API) or on its own.
 *
 * <p>Resizable at run time with {@link #setWorkers}: new workers join the group, removed ones
 * finish the job in hand and leave it, so their partitions move to the others. {@link #stop}
 * asks every worker to stop, waits up to the grace period for in-flight jobs, and returns; jobs
 * not settled by then are delivered again to the next member (at-least-once). A worker whose
 * thread ends on an Error leaves the group (its jobs go to the others) and is no longer counted;
 * the next {@code setWorkers} replaces it. Thread-safe.
 */
public final class WorkerPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final QueueBackend backend;
    private final WorkerConfig config;
    /** What new workers process with, of the version they run; {@link #setVersion} replaces it. */
    private PhotoProcessor processor;
    private final MessageCodec codec = new MessageCodec();
    private final Producer producer;
    private final Chaos chaos = new Chaos();
    /** The guarantee new workers consume with; {@link #setDelivery} changes it for all. */
    private DeliveryGuarantee delivery = DeliveryGuarantee.AT_LEAST_ONCE;
    private final List<Running> running = new ArrayList<>();
    private final List<Running> retiring = new ArrayList<>();
    private int nextIndex;
    private boolean stopped;
    private Boolean stopOutcome;

    private record Running(ConsumerLoop loop, Thread thread) {
    }

    private WorkerPool(QueueBackend backend, WorkerConfig config) {
        this.backend = backend;
        this.config = config;
        this.processor = PhotoProcessor.from(config);
        this.producer = backend.producer();
    }

    /**
     * Creates {@code photo.uploaded} ({@link WorkerConfig#uploadedPartitions} partitions) and
     * {@code photo.events} when missing, and starts {@link WorkerConfig#workerCount} workers. The
     * backend stays the caller's: close it after {@link #stop}.
     */
    public static WorkerPool start(QueueBackend backend, WorkerConfig config) {
        Admin admin = backend.admin();
        admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_UPLOADED, config.uploadedPartitions()));
        admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_EVENTS, config.uploadedPartitions()));
        WorkerPool pool = new WorkerPool(backend, config);
        try {
            pool.setWorkers(config.workerCount());
        } catch (RuntimeException e) {
            pool.stop(Duration.ZERO); // the workers started so far leave, the producer is closed
            throw e;
        }
        return pool;
    }

    public WorkerConfig config() {
        return config;
    }

    /** The chaos switch of this pool's workers (off until set). */
    public Chaos chaos() {
        return chaos;
    }

    /**
     * Makes worker {@code workerId} die in the middle of its next photo, the way the chaos mode
     * says; {@link IllegalArgumentException} when no such worker runs.
     */
    public synchronized void crash(String workerId) {
        pruneDead();
        if (running.stream().noneMatch(r -> r.loop().workerId().equals(workerId))) {
            throw new IllegalArgumentException("no running worker " + workerId + "; running: " + workerIds());
        }
        chaos.crashNext(workerId);
    }

    /** The delivery guarantee the workers consume with. */
    public synchronized DeliveryGuarantee delivery() {
        return delivery;
    }

    /**
     * Switches every worker to {@code guarantee}: the running workers finish the job in hand and
     * leave, and as many new ones join with the new guarantee. At-most-once: a job counts as done
     * when it is handed out, so a worker that dies with it loses it (and a failed job is not
     * retried or dead-lettered, only reported). At-least-once (the default): done when acked.
     */
    public synchronized void setDelivery(DeliveryGuarantee guarantee) {
        if (guarantee == delivery) {
            return;
        }
        delivery = guarantee;
        int count = workers();
        setWorkers(0);
        setWorkers(count);
        LOG.info("thumbnail workers now consume {}", guarantee);
    }

    /** The release the workers run. */
    public synchronized WorkerVersion version() {
        return processor.version();
    }

    /**
     * Deploys worker {@code newVersion}, the way a new release replaces the workers: the running ones
     * finish the job in hand with their version and leave, and as many new ones join with the new
     * version. Its variants go to files of its own (see {@link PhotoProcessor}).
     */
    public synchronized void setVersion(WorkerVersion newVersion) {
        if (newVersion == processor.version()) {
            return;
        }
        processor = processor.withVersion(newVersion);
        int count = workers();
        setWorkers(0);
        setWorkers(count);
        LOG.info("thumbnail workers now run version {} ({})", newVersion.wireName(), newVersion.description());
    }

    /**
     * Runs {@code action} while none of this pool's workers is a member of the group: each finishes
     * the job in hand and leaves (this waits up to {@code timeout} for all of them, those retired
     * earlier too), then {@code action} runs, then as many workers as ran before join again, with
     * the current guarantee and version; they join again also when the action throws. A Kafka group's
     * positions can be moved only while it has no members, so a replay of this pool's group runs its
     * reset in here. Holds the pool's lock throughout, so that no resize (the autoscaler,
     * {@code PUT /api/workers}) brings a member back in the middle. {@link IllegalStateException}
     * naming the workers still busy after {@code timeout}; the action has not run then.
     */
    public synchronized <T> T whilePaused(Duration timeout, Supplier<T> action) {
        if (stopped) {
            throw new IllegalStateException("the worker pool is stopped");
        }
        int count = workers();
        setWorkers(0);
        try {
            awaitRetired(timeout);
            return action.get();
        } finally {
            setWorkers(count);
        }
    }

    /** Waits until every retiring worker's thread has ended, that is, it has left the group. */
    private void awaitRetired(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Running r : retiring) {
            try {
                r.thread().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the workers to leave their group", e);
            }
        }
        List<String> busy = retiring.stream().filter(r -> r.thread().isAlive()).map(r -> r.loop().workerId()).toList();
        retiring.removeIf(r -> !r.thread().isAlive());
        if (!busy.isEmpty()) {
            throw new IllegalStateException("workers " + busy + " were still busy after " + timeout
                    + " and have not left their group yet");
        }
    }

    /** Workers running and not asked to stop. */
    public synchronized int workers() {
        pruneDead();
        return running.size();
    }

    /** The ids of the running workers, oldest first. */
    public synchronized List<String> workerIds() {
        pruneDead();
        return running.stream().map(r -> r.loop().workerId()).toList();
    }

    /** Forgets workers whose thread ended without being asked to (an Error); setWorkers replaces them. */
    private void pruneDead() {
        running.removeIf(r -> !r.thread().isAlive());
    }

    /**
     * Grows or shrinks the pool to {@code count} workers. Shrinking retires the newest workers: each
     * finishes its job in hand and leaves the group; this call does not wait for that.
     */
    public synchronized void setWorkers(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("worker count must be >= 0, was " + count);
        }
        if (stopped) {
            throw new IllegalStateException("the worker pool is stopped");
        }
        pruneDead();
        while (running.size() < count) {
            String id = config.workerId() + "-" + nextIndex++;
            ConsumerLoop loop = new ConsumerLoop(id, backend.groupConsumer(consumerConfig(id)), producer, processor,
                    codec, config, chaos);
            Thread thread = new Thread(loop, "thumbnailer-" + id);
            thread.setUncaughtExceptionHandler((t, e) -> {
                if (e instanceof Chaos.WorkerCrash) {
                    LOG.warn("worker {} crashed on purpose: {}", id, e.getMessage());
                } else {
                    LOG.error("worker {} died", id, e);
                }
            });
            thread.start();
            running.add(new Running(loop, thread));
        }
        while (running.size() > count) {
            Running last = running.remove(running.size() - 1);
            last.loop().requestStop();
            retiring.add(last);
        }
        retiring.removeIf(r -> !r.thread().isAlive());
        LOG.info("thumbnail worker pool at {} workers", running.size());
    }

    /** {@link #stop(Duration)} with the configured grace period. */
    public boolean stop() {
        return stop(config.shutdownGrace());
    }

    /**
     * Asks every worker to stop and waits up to {@code grace} for their in-flight jobs; then closes
     * the producer. True when every worker finished and left the group in time; false when some were
     * still busy (they are interrupted; their unsettled jobs go to another member once their session
     * times out). Idempotent: a later call returns the first call's answer. Holds the pool's lock
     * while it waits, so {@link #workers} and {@link #setWorkers} wait for it.
     */
    public synchronized boolean stop(Duration grace) {
        if (stopOutcome != null) {
            return stopOutcome;
        }
        stopped = true;
        List<Running> all = new ArrayList<>(running);
        all.addAll(retiring);
        running.clear();
        retiring.clear();
        all.forEach(r -> r.loop().requestStop());
        long deadline = System.nanoTime() + grace.toNanos();
        boolean allDone = true;
        for (Running r : all) {
            try {
                r.thread().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (r.thread().isAlive()) {
                allDone = false;
                LOG.warn("worker {} did not finish within the grace period of {}; interrupting it",
                        r.loop().workerId(), grace);
                r.thread().interrupt();
            }
        }
        producer.close();
        stopOutcome = allDone;
        return allDone;
    }

    @Override
    public void close() {
        stop();
    }

    private GroupConsumerConfig consumerConfig(String clientId) {
        return GroupConsumerConfig.builder(Topics.THUMBNAILERS)
                .clientId(clientId)
                .delivery(delivery)
                .mode(config.mode())
                .maxDeliveries(config.maxDeliveries())
                .retryBackoffMs(config.retryBackoffMs())
                .retryBackoffMaxMs(config.retryBackoffMaxMs())
                .sessionTimeoutMs(config.sessionTimeoutMs())
                .visibilityTimeoutMs(config.sessionTimeoutMs())
                .maxPollRecords(config.maxPollRecords())
                .build();
    }
}
