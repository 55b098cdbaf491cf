package dev.photoqueue.worker;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A pool of thumbnail workers in this process: N members of the group {@value Topics#THUMBNAILERS},
 * one thread and one consumer each, sharing one producer and one processor. The way to run the
 * worker embedded (in the upload API) or on its own.
 *
 * <p>Resizable at run time with {@link #setWorkers}: new workers join the group, removed ones
 * finish the job in hand and leave it, so their partitions move to the others. {@link #stop}
 * asks every worker to stop, waits up to the grace period for in-flight jobs, and returns; jobs
 * not settled by then are delivered again to the next member (at-least-once).
 *
 * <p>Supervised, as Kubernetes restarts a crashed pod: a worker whose thread dies (a chaos crash,
 * an Error) is replaced after {@link WorkerConfig#restartDelay} by a new worker with a new id in the
 * same slot, and {@link #restarts} counts it. Each slot has its own transactional id
 * ({@link #transactionalId}), so under exactly-once the replacement fences the dead worker's
 * producer, which aborts the transaction it left open at once (on Kafka, {@code read_committed}
 * readers of {@code photo.events} wait for that). Thread-safe.
 */
public final class WorkerPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final QueueBackend backend;
    private final WorkerConfig config;
    /**
     * What the workers process their next job with, of the version they run; {@link #setVersion}
     * replaces it. Volatile, read by the workers without the pool's lock: a worker retiring for a
     * new version may be handed one more job, which it processes with the new version.
     */
    private volatile PhotoProcessor processor;
    private final MessageCodec codec = new MessageCodec();
    private final Producer producer;
    private final Chaos chaos = new Chaos();
    private final PhotoEventListener published;
    /** Uploads arriving in this process, or null: see {@link ForegroundActivity}. */
    private final ForegroundActivity foreground;
    private final ScheduledExecutorService supervisor;
    /** The guarantee new workers consume with; {@link #setDelivery} changes it for all. */
    private Delivery delivery;
    private ConsumptionMode mode;
    /** The workers by slot, running, retiring or dead; guarded by this pool's lock. */
    private final WorkerRoster roster = new WorkerRoster();
    private int target;
    private int nextIndex;
    private long restarts;
    private boolean stopped;
    private Boolean stopOutcome;

    private WorkerPool(QueueBackend backend, WorkerConfig config, PhotoEventListener published,
                       ForegroundActivity foreground) {
        this.backend = backend;
        this.foreground = foreground;
        this.config = config;
        this.published = published;
        this.delivery = config.delivery();
        this.mode = config.mode();
        this.processor = PhotoProcessor.from(config);
        this.producer = backend.producer();
        this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates {@code photo.uploaded} ({@link WorkerConfig#uploadedPartitions} partitions) and
     * {@code photo.events} when missing, and starts {@link WorkerConfig#workerCount} workers. The
     * backend stays the caller's: close it after {@link #stop}.
     */
    public static WorkerPool start(QueueBackend backend, WorkerConfig config) {
        return start(backend, config, PhotoEventListener.NONE);
    }

    /** As {@link #start(QueueBackend, WorkerConfig)}, telling {@code published} of every event its workers write. */
    public static WorkerPool start(QueueBackend backend, WorkerConfig config, PhotoEventListener published) {
        return start(backend, config, published, null);
    }

    /**
     * As above, for workers embedded beside an upload API that marks each upload in
     * {@code foreground}: a job runs at normal priority unless a newer upload has arrived, then at
     * {@link WorkerConfig#nice} (see {@link ForegroundActivity}). Null: every job at the nice value.
     */
    public static WorkerPool start(QueueBackend backend, WorkerConfig config, PhotoEventListener published,
                                   ForegroundActivity foreground) {
        Admin admin = backend.admin();
        admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_UPLOADED, config.uploadedPartitions()));
        admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_EVENTS, config.uploadedPartitions()));
        WorkerPool pool = new WorkerPool(backend, config, published, foreground);
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
     * Makes worker {@code workerId} die with its next photo, where the chaos switch's point says;
     * {@link UnknownWorkerException} when no such worker runs.
     */
    public synchronized void crash(String workerId) {
        if (!roster.isAlive(workerId)) {
            throw new UnknownWorkerException(workerId, workerIds());
        }
        chaos.crashNext(workerId);
    }

    /** The delivery guarantee the workers consume with. */
    public synchronized Delivery delivery() {
        return delivery;
    }

    /** How the workers share the jobs: each partition owned by one (ORDERED), or any job to any (SHARED). */
    public synchronized ConsumptionMode mode() {
        return mode;
    }

    /**
     * Switches every worker to {@code guarantee} (see {@link Delivery}) and consumption
     * {@code mode}: the running workers finish the job in hand and leave, and as many new ones join
     * with the new settings. {@link IllegalArgumentException} for a combination the queue cannot
     * give (exactly-once with SHARED), and then nothing changes.
     */
    public synchronized void setDelivery(Delivery guarantee, ConsumptionMode newMode) {
        guarantee.requireSupportedBy(newMode);
        if (guarantee == delivery && newMode == mode) {
            return;
        }
        delivery = guarantee;
        mode = newMode;
        int count = target;
        // a job handed to a retiring worker as the switch comes is not run under the old guarantee
        roster.leaveUnstartedJobsOnStop();
        setWorkers(0);
        setWorkers(count);
        LOG.info("thumbnail workers now consume {}, {}", guarantee.wireName(), newMode);
    }

    /** {@link #setDelivery(Delivery, ConsumptionMode)} in the current consumption mode. */
    public synchronized void setDelivery(Delivery guarantee) {
        setDelivery(guarantee, mode);
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
        int count = target;
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
        int count = target;
        setWorkers(0);
        try {
            roster.awaitRetired(timeout);
            return action.get();
        } finally {
            setWorkers(count);
        }
    }

    /** Workers running and not asked to stop (a crashed one counts again once replaced). */
    public synchronized int workers() {
        return roster.alive();
    }

    /** The ids of the running workers, oldest first. */
    public synchronized List<String> workerIds() {
        return roster.aliveIds();
    }

    /** The number of workers the pool keeps: crashed ones are replaced up to it. */
    public synchronized int target() {
        return target;
    }

    /** Crashed workers replaced since start. */
    public synchronized long restarts() {
        return restarts;
    }

    /** Workers that died and wait for their replacement. */
    public synchronized int restarting() {
        return roster.dead();
    }

    /**
     * The transactional id of a slot's exactly-once worker: {@link WorkerConfig#workerId} and the
     * slot, so the worker that replaces a dead one (in this process, or in a process restarted with
     * the same worker id) fences the producer the dead one left.
     */
    String transactionalId(int slot) {
        return Topics.THUMBNAILERS + "-" + config.workerId() + "-" + slot;
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
        target = count;
        roster.forgetRetired();
        while (roster.held() < count) {
            startWorker(roster.freeSlot());
        }
        while (roster.running() > count) {
            roster.retireNewest();
        }
        while (roster.held() > count) { // dead slots beyond the new size are not replaced
            roster.giveUpHighestDeadSlot();
        }
        LOG.info("thumbnail worker pool at {} workers", roster.running());
    }

    private void startWorker(int slot) {
        String id = config.workerId() + "-" + nextIndex++;
        TransactionalProducer transactions = delivery.transactional()
                ? backend.transactionalProducer(transactionalId(slot)) : null;
        ConsumerLoop loop;
        try {
            GroupConsumer member = backend.groupConsumer(config.consumerConfig(id, delivery, mode));
            loop = new ConsumerLoop(id, member, producer, () -> processor, codec, config, chaos, delivery, transactions,
                    published, foreground);
        } catch (RuntimeException e) {
            if (transactions != null) {
                closeQuietly(transactions);
            }
            throw e;
        }
        roster.start(slot, loop, worker -> {
            try {
                supervisor.execute(() -> died(worker)); // not on this thread: stop() may hold the lock, joining it
            } catch (RejectedExecutionException stopping) {
                LOG.debug("worker {} died while the pool stops", id);
            }
        });
    }

    /** A worker's thread ended on a crash: its slot waits {@link WorkerConfig#restartDelay} for a new worker. */
    private synchronized void died(WorkerRoster.Running worker) {
        if (!roster.removeRunning(worker) || stopped) {
            return;
        }
        roster.markDead(worker.slot(), worker.loop().crashed() ? worker.loop().transactions() : null);
        if (worker.loop().crashed()) {
            // Its member went silent; once the group has surely noticed (its session is over), the
            // client object the dead worker left is closed, so crashes do not pile up open clients.
            supervisor.schedule(() -> closeQuietly(worker.loop().consumer()), 2 * config.sessionTimeoutMs(),
                    TimeUnit.MILLISECONDS);
        }
        LOG.info("worker {} is dead; slot {} gets a new worker in {} ms", worker.loop().workerId(), worker.slot(),
                config.restartDelay().toMillis());
        supervisor.schedule(() -> replace(worker.slot()), config.restartDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a new worker in a dead worker's slot (unless the slot was given up meanwhile); its
     * transactional producer, created with the slot's id, fences the dead worker's, which is then
     * closed. When the new worker cannot start (the backend is away), tries again after the delay.
     */
    private synchronized void replace(int slot) {
        if (stopped || !roster.isDead(slot)) {
            return;
        }
        TransactionalProducer left = roster.leftBy(slot);
        try {
            startWorker(slot);
        } catch (RuntimeException e) {
            LOG.warn("the worker of slot {} could not be started again, retrying in {} ms: {}", slot,
                    config.restartDelay().toMillis(), e.toString());
            supervisor.schedule(() -> replace(slot), Math.max(100, config.restartDelay().toMillis()),
                    TimeUnit.MILLISECONDS);
            return;
        }
        roster.replaced(slot);
        restarts++;
        if (left != null) {
            closeQuietly(left); // fenced by the new worker's producer: its open transaction is aborted
        }
        LOG.info("slot {} has a new worker {} (restart {})", slot, roster.newestId(), restarts);
    }

    /** Closes {@code resource} (null: nothing), logging a failure instead of throwing it. */
    static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            LOG.debug("closing {} failed: {}", resource, e.toString());
        }
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
        supervisor.shutdownNow();
        boolean allDone = WorkerRoster.join(roster.stopAll(), grace);
        producer.close();
        stopOutcome = allDone;
        return allDone;
    }

    @Override
    public void close() {
        stop();
    }
}
