package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicDescription;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.worker.job.Topics;

import dev.photoqueue.queue.api.QueueException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Reads the queue's shape for the dashboard and answers the questions uploads ask: how long the
 * backlog of the thumbnail workers is, and which job each partition is on. The thumbnailers'
 * progress and the backend's health are cached for {@value #CACHE_MILLIS} ms, so a burst of uploads
 * asks the backend once; an upload's admission asks afresh ({@link #backlogNow}).
 * Thread-safe.
 */
public final class QueueService implements JobProgress {

    static final long CACHE_MILLIS = 200;

    private final QueueBackend backend;
    private final Admin admin;
    private final LongSupplier clockMillis;
    private volatile Cached cached = new Cached(null, 0);
    private volatile CachedHealth cachedHealth;
    /**
     * Runs {@link #backlogWithin}'s lookups on daemon threads, so they never hold the JVM up. How
     * many run at once is bounded by {@link #lookupSlots}, not by the pool: a pool's thread that
     * has answered is not at once ready for the next task, and must not count as a lookup.
     */
    private final ExecutorService lookups = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "backlog-lookup");
        t.setDaemon(true);
        return t;
    });
    /**
     * Lookups running now: at most {@value #MAX_LOOKUPS} (one stuck on a dead broker must not stop
     * the next, which may find the new leaders), none queued. A slot is given back when its lookup
     * ends, before its answer is published.
     */
    private final Semaphore lookupSlots = new Semaphore(MAX_LOOKUPS);
    static final int MAX_LOOKUPS = 4;
    /** The latest lookup of {@link #backlogWithin} and when it started; guarded by {@code this}. */
    private CompletableFuture<Long> lookup;
    private long lookupStartedNanos;

    private record Cached(GroupDescription group, long at) {
    }

    private record CachedHealth(BackendHealth health, long at) {
    }

    public QueueService(QueueBackend backend) {
        this(backend, System::currentTimeMillis);
    }

    /** With the clock the caches are timed by; tests hold it still. */
    QueueService(QueueBackend backend, LongSupplier clockMillis) {
        this.backend = backend;
        this.admin = backend.admin();
        this.clockMillis = clockMillis;
    }

    /**
     * The backend's last known health, without waiting (see {@link QueueBackend#health()}), asked
     * at most once per {@value #CACHE_MILLIS} ms: uploads ask it every time, and the in-house
     * backend's check reads the file system.
     */
    public BackendHealth health() {
        CachedHealth c = cachedHealth;
        long now = clockMillis.getAsLong();
        if (c != null && now - c.at() < CACHE_MILLIS) {
            return c.health();
        }
        BackendHealth health = backend.health();
        cachedHealth = new CachedHealth(health, now);
        return health;
    }

    /** The application's topics and every consumer group, now. */
    public QueueSnapshot snapshot() {
        List<QueueSnapshot.Topic> topics = new ArrayList<>();
        for (String name : new TreeSet<>(admin.listTopics())) {
            TopicDescription d = admin.describeTopic(name);
            topics.add(new QueueSnapshot.Topic(name, d.partitions().stream()
                    .map(p -> new QueueSnapshot.Partition(p.partition(), p.startOffset(), p.endOffset()))
                    .toList()));
        }
        List<QueueSnapshot.Group> groups = new ArrayList<>();
        for (String id : new TreeSet<>(admin.listGroups())) {
            try {
                groups.add(toGroup(admin.describeGroup(id)));
            } catch (UnknownGroupException e) {
                // the group went away between the listing and the description
            }
        }
        return new QueueSnapshot(backend.name(), topics, groups);
    }

    /**
     * Jobs of {@code photo.uploaded} the thumbnail workers have not finished: the group's lag, or
     * every stored job while the group has never run. Cached: up to {@value #CACHE_MILLIS} ms old.
     */
    public long backlog() {
        return backlogOf(thumbnailers(false));
    }

    /**
     * {@link #backlog} as the queue has it at this moment, not from the cache (and cached from
     * now): for a decision a figure up to {@value #CACHE_MILLIS} ms old would get wrong, admitting
     * an upload or refusing one. The cache may overstate (workers caught up since) or understate
     * (jobs sent since).
     */
    public long backlogNow() {
        return backlogOf(thumbnailers(true));
    }

    /**
     * {@link #backlogNow}, waiting at most {@code wait}: on Kafka, describing the group asks the
     * brokers that lead its partitions, and a broker killed a moment ago holds such a question for
     * the whole request timeout (30 s) until the controller notices. A caller that comes while a
     * lookup runs waits for that one when it started less than {@code wait} ago, else starts
     * another (the stuck one runs out on its own thread). Throws {@link UploadRejectedException}
     * (QUEUE_UNAVAILABLE) when the lookup takes longer or fails, with {@code why} appended.
     */
    public long backlogWithin(Duration wait, String why) {
        CompletableFuture<Long> mine;
        synchronized (this) {
            long now = System.nanoTime();
            if (lookup == null || lookup.isDone() || now - lookupStartedNanos > wait.toNanos()) {
                if (!lookupSlots.tryAcquire()) {
                    throw unavailable(MAX_LOOKUPS + " lookups of the thumbnail workers' backlog are still waiting "
                            + "for the queue", why, null);
                }
                try {
                    lookup = CompletableFuture.supplyAsync(() -> {
                        try {
                            return backlogNow();
                        } finally {
                            lookupSlots.release();
                        }
                    }, lookups);
                } catch (RejectedExecutionException e) {
                    lookupSlots.release();
                    throw unavailable("the backlog lookups' threads are shut down", why, e);
                }
                lookupStartedNanos = now;
            }
            mine = lookup;
        }
        try {
            return mine.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while reading the thumbnail workers' backlog", why, e);
        } catch (TimeoutException e) {
            throw unavailable("the queue did not tell the thumbnail workers' backlog within " + wait.toMillis()
                    + " ms", why, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QueueException q) {
                throw unavailable("the queue could not tell the thumbnail workers' backlog: " + q.getMessage(), why, q);
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static UploadRejectedException unavailable(String what, String why, Throwable cause) {
        return new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE,
                what + (why.isEmpty() ? "" : "; " + why), PhotoService.RETRY_AFTER_SECONDS, cause);
    }

    private long backlogOf(GroupDescription group) {
        if (group != null) {
            return group.partitions().stream()
                    .filter(p -> p.topicPartition().topic().equals(Topics.PHOTO_UPLOADED))
                    .mapToLong(GroupDescription.PartitionLag::lag).sum();
        }
        return admin.describeTopic(Topics.PHOTO_UPLOADED).partitions().stream()
                .mapToLong(PartitionInfo::recordCount).sum();
    }

    @Override
    public boolean inProgress(int partition, long offset) {
        GroupDescription group = thumbnailers(false);
        if (group == null) {
            return false;
        }
        TopicPartition tp = new TopicPartition(Topics.PHOTO_UPLOADED, partition);
        for (GroupDescription.PartitionLag p : group.partitions()) {
            if (p.topicPartition().equals(tp)) {
                return p.owner() != null && p.committed() == offset;
            }
        }
        return false;
    }

    /** The topics of a group's partitions; empty when the group is unknown. */
    public List<String> topicsOf(String groupId) {
        try {
            return admin.describeGroup(groupId).partitions().stream()
                    .map(p -> p.topicPartition().topic()).distinct().sorted().toList();
        } catch (UnknownGroupException e) {
            return List.of();
        }
    }

    /** The thumbnailers' group as last looked up, or looked up now when {@code fresh} or too old; null: unknown. */
    private GroupDescription thumbnailers(boolean fresh) {
        Cached c = cached;
        long now = clockMillis.getAsLong();
        if (!fresh && now - c.at() < CACHE_MILLIS) {
            return c.group();
        }
        GroupDescription group = describeThumbnailers();
        cached = new Cached(group, now);
        return group;
    }

    /** The thumbnail workers' group now, or null while it has never run. */
    private GroupDescription describeThumbnailers() {
        try {
            return admin.describeGroup(Topics.THUMBNAILERS);
        } catch (UnknownGroupException e) {
            return null;
        }
    }

    private static QueueSnapshot.Group toGroup(GroupDescription d) {
        List<QueueSnapshot.Member> members = d.members().stream()
                .map(m -> new QueueSnapshot.Member(m.memberId(), m.clientId(),
                        m.assignment().stream().map(TopicPartition::toString).sorted().toList()))
                .toList();
        List<QueueSnapshot.PartitionProgress> partitions = d.partitions().stream()
                .sorted((a, b) -> a.topicPartition().compareTo(b.topicPartition()))
                .map(p -> new QueueSnapshot.PartitionProgress(p.topicPartition().topic(), p.topicPartition().partition(),
                        p.committed(), p.endOffset(), p.lag(), p.owner()))
                .toList();
        return new QueueSnapshot.Group(d.groupId(), members, partitions, d.totalLag());
    }
}
