package dev.photoqueue.worker;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.worker.index.PhotoIndex;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Photos per user, kept two ways by the consumer group {@value #GROUP} on
 * {@code photo.events}, to show why consumers must be idempotent. {@code counted} adds one for
 * every {@code PhotoProcessed} event it reads (not idempotent: a job delivered again after its
 * worker died between publishing and acking publishes a second event, and it counts twice);
 * {@code distinct} is the number of photo ids seen (idempotent: the same event twice
 * changes nothing). Under redelivery the two part, and under a replay or a redrive, which publish
 * a photo's outcome again by design: an extra event of a delivery after the first
 * ({@code deliveryCount > 1}) is counted as {@code redelivered}, one of a fresh first delivery (a
 * replay moved the group back, or a redrive sent the job again) as {@code replayed}.
 *
 * <p>The counts live in memory (a few numbers per user). The photo ids seen, which grow with
 * history, are kept on disk in a {@link PhotoIndex}, so the heap does not grow with the photos
 * counted. Every {@value #FLUSH_EVERY} new photos and on close, the index is checkpointed with the
 * counts and the positions of {@code photo.events} they cover ({@link StatsCheckpoint}), durable
 * after the ids. A start continues from that checkpoint, reading only the records after it, when
 * the group's committed positions are the ones it names (so no record was counted after it:
 * the last close wrote it); otherwise (no checkpoint, a damaged one, a crash after it, a replay of
 * the group since) the index is emptied and the group moved to the beginning of
 * {@code photo.events}, and the counts are rebuilt from all of it. A failed read (the backend
 * away, the member fenced) is tried again until {@link #close}. A replay of the group runs its reset
 * in {@link #whilePaused}, while the consumer is out of the group. Thread-safe: one thread
 * consumes, {@link #snapshot} and {@link #whilePaused} may be called from any.
 */
public final class PhotoStats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoStats.class);
    public static final String GROUP = "stats";
    /** The key of photos uploaded without a user. */
    public static final String ANONYMOUS = "(anonymous)";

    /**
     * One user's two counts, and where the events counted beyond the distinct photos came from:
     * {@code redelivered + replayed == counted - distinct}.
     */
    public record UserCount(String userId, long counted, long distinct, long redelivered, long replayed) {

        /** Counts with every extra event from a redelivery. */
        public UserCount(String userId, long counted, long distinct) {
            this(userId, counted, distinct, counted - distinct, 0);
        }
    }

    /**
     * What a page shows of the counts: the {@code top} users by events counted (most first, ties
     * by user id), how many users there are in all, and the sums over every user.
     */
    public record Summary(List<UserCount> top, int users, long counted, long distinct, long redelivered,
                          long replayed) {

        public Summary {
            top = List.copyOf(top);
        }
    }

    private static final byte[] NO_VALUE = new byte[0];
    /** Photo ids held in memory before they are written out as a run of the index. */
    private static final int FLUSH_EVERY = 50_000;
    /** The pause after a failed read before the next one. */
    private static final Duration RETRY = Duration.ofMillis(500);
    /** How often a consumer out of the group for a replay looks whether the stats are stopping. */
    private static final Duration LOOK_EVERY = Duration.ofMillis(100);

    private final QueueBackend backend;
    /** This process's member of the group; consuming thread only once started, null while out of the group. */
    private GroupConsumer consumer;
    /** Held by the one {@link #whilePaused} at a time. */
    private final Object pausing = new Object();
    /** The pause the consuming thread is asked for, null when none. */
    private final AtomicReference<Pause> pause = new AtomicReference<>();
    private final Map<String, AtomicLong> counted = new HashMap<>();
    private final Map<String, AtomicLong> distinct = new HashMap<>();
    /** The photo ids counted so far, as keys with no value; consuming thread only (for writes). */
    private final PhotoIndex seen;
    private final Map<String, long[]> extra = new HashMap<>(); // user -> {redelivered, replayed}
    /** The next offset to read of each partition of photo.events, as far as counted; consuming thread only. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long recordsRead;

    /** A replay's hold on the consuming thread: it has left the group, and waits to be released. */
    private static final class Pause {
        final CountDownLatch left = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
    }

    private PhotoStats(QueueBackend backend, PhotoIndex seen, StatsCheckpoint from) {
        this.backend = backend;
        this.seen = seen;
        positions.putAll(from.positions());
        for (UserCount u : from.users()) {
            counted.put(u.userId(), new AtomicLong(u.counted()));
            distinct.put(u.userId(), new AtomicLong(u.distinct()));
            extra.put(u.userId(), new long[]{u.redelivered(), u.replayed()});
        }
        this.thread = new Thread(this::run, "photo-stats");
        this.thread.setDaemon(true);
    }

    /**
     * Continues from the checkpoint in {@code seenDir} when the group's positions are the ones it
     * names; else empties it and replays {@code photo.events} from its start. Then follows it.
     */
    public static PhotoStats start(QueueBackend backend, Path seenDir) {
        PhotoIndex seen = PhotoIndex.open(seenDir);
        PhotoStats stats;
        try {
            StatsCheckpoint from = resumable(backend, seen);
            if (from == null) {
                from = replayFromStart(backend, seen);
            } else {
                LOG.info("photo stats: continuing from their checkpoint at {}", from.positions());
            }
            stats = new PhotoStats(backend, seen, from);
            stats.consumer = stats.join();
        } catch (RuntimeException e) {
            seen.close();
            throw e;
        }
        stats.thread.start();
        return stats;
    }

    /** The index's checkpoint when it is readable and the group's committed positions are its own, else null. */
    private static StatsCheckpoint resumable(QueueBackend backend, PhotoIndex seen) {
        if (seen.meta().isEmpty()) {
            return null;
        }
        StatsCheckpoint saved;
        try {
            saved = StatsCheckpoint.decode(seen.meta().get());
        } catch (IllegalArgumentException e) {
            LOG.warn("photo stats: their checkpoint is unreadable ({}); counting from the start", e.getMessage());
            return null;
        }
        Map<TopicPartition, Long> committed = new HashMap<>();
        try {
            for (GroupDescription.PartitionLag p : backend.admin().describeGroup(GROUP).partitions()) {
                if (p.topicPartition().topic().equals(Topics.PHOTO_EVENTS) && p.committed() >= 0) {
                    committed.put(p.topicPartition(), p.committed());
                }
            }
        } catch (QueueException e) {
            LOG.info("photo stats: cannot read the positions of group {} ({}); counting from the start", GROUP,
                    e.getMessage());
            return null;
        }
        if (!committed.equals(saved.positions())) {
            LOG.info("photo stats: group {} is at {}, their checkpoint at {}; counting from the start", GROUP,
                    committed, saved.positions());
            return null;
        }
        return saved;
    }

    /** Empties the index and moves the group to the start of photo.events: nothing counted yet. */
    private static StatsCheckpoint replayFromStart(QueueBackend backend, PhotoIndex seen) {
        seen.clear();
        Map<TopicPartition, Long> positions = Map.of();
        try {
            positions = backend.admin().resetOffsets(GROUP, Topics.PHOTO_EVENTS, OffsetSpec.earliest());
        } catch (QueueException e) {
            LOG.warn("could not move group {} to the start of {} ({}); counting from its last position", GROUP,
                    Topics.PHOTO_EVENTS, e.getMessage());
        }
        return new StatsCheckpoint(positions, List.of());
    }

    /** A new member of the group on photo.events: it reads from the group's committed positions. */
    private GroupConsumer join() {
        GroupConsumer member = backend.groupConsumer(GroupConsumerConfig.builder(GROUP).build());
        try {
            member.subscribe(List.of(Topics.PHOTO_EVENTS));
        } catch (RuntimeException e) {
            member.close();
            throw e;
        }
        return member;
    }

    /**
     * Runs {@code action} while this process's consumer is out of the group {@value #GROUP}: it
     * commits what it acked and leaves the group, {@code action} runs, and it joins again, also when
     * {@code action} throws, reading from the group's committed positions as they are then. Kafka
     * moves a group's positions only while it has no members, so a replay of the group runs its
     * reset in here; on the in-house log, which moves them under live members too, the pause keeps
     * an ack of a record read before the reset from landing after it. The counts stay: records
     * read again after a reset that moved the group back count as {@code replayed}. One pause at a
     * time. {@link IllegalStateException} when the stats are stopped, or the consumer has not left
     * within {@code timeout} (it is reading slowly, or the backend is away); the action has not
     * run then.
     */
    public <T> T whilePaused(Duration timeout, Supplier<T> action) {
        synchronized (pausing) {
            if (stopping || !thread.isAlive()) {
                throw new IllegalStateException("the photo stats are stopped");
            }
            Pause p = new Pause();
            pause.set(p);
            try {
                if (!p.left.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("the consumer of group " + GROUP + " did not leave it within "
                            + timeout);
                }
                return action.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the consumer of group " + GROUP + " was leaving it",
                        e);
            } finally {
                pause.set(null);
                p.released.countDown();
            }
        }
    }

    private void run() {
        try {
            // A record counted but not acked when a read fails comes again and counts once more, an extra event.
            ReadLoop.repeat("photo stats", RETRY, () -> !stopping, this::readOnce);
            checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("photo stats: the last checkpoint failed; the next start counts from the start: {}",
                    e.toString());
        } finally {
            if (consumer != null) {
                consumer.close(); // commits the positions the checkpoint names (the next start compares them)
            }
            seen.close();
        }
    }

    private void readOnce() {
        Pause p = pause.get();
        if (p != null) {
            sitOut(p);
        }
        if (stopping) {
            return;
        }
        if (consumer == null) {
            consumer = join(); // after a pause, or a join that failed: a failure here is tried again
        }
        for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
            count(r);
            consumer.ack(r);
            positions.put(r.topicPartition(), r.offset() + 1);
            recordsRead++;
        }
        if (seen.pending() >= FLUSH_EVERY) {
            checkpoint(); // also moves the ids from memory to a run on disk
        }
    }

    /**
     * Leaves the group for a replay's reset and waits until the replay releases it (or the stats
     * stop); the next step joins again. A close that fails still lets the replay go on: the member
     * it leaves behind is gone when its session times out, which the replay waits for.
     */
    private void sitOut(Pause p) {
        GroupConsumer member = consumer;
        consumer = null;
        try {
            if (member != null) {
                member.close(); // commits what was acked and leaves: Kafka resets a group only without members
            }
        } finally {
            p.left.countDown();
            awaitRelease(p);
        }
    }

    private void awaitRelease(Pause p) {
        try {
            while (!stopping && !p.released.await(LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
                // the replay runs its reset
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // kept for the read loop, whose next pause ends on it
        }
    }

    /** Publishes the ids seen with the counts and positions they make (durable after the ids). */
    private void checkpoint() {
        seen.checkpoint(new StatsCheckpoint(positions, snapshot()).encode());
    }

    /** Records of photo.events read since start: a continued start reads only those after its checkpoint. */
    long recordsRead() {
        return recordsRead;
    }

    private void count(ConsumerRecord r) {
        ProcessedEvents.Processed p;
        try {
            p = ProcessedEvents.read(r.value());
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable event at {}@{}: {}", r.topicPartition(), r.offset(), e.toString());
            return;
        }
        if (p != null) {
            String user = p.userId() == null || p.userId().isBlank() ? ANONYMOUS : p.userId();
            boolean first = seen.get(p.photoId()).isEmpty();
            if (first) {
                seen.put(p.photoId(), NO_VALUE);
            }
            synchronized (this) {
                counted.computeIfAbsent(user, u -> new AtomicLong()).incrementAndGet();
                long[] more = extra.computeIfAbsent(user, u -> new long[2]);
                AtomicLong photos = distinct.computeIfAbsent(user, u -> new AtomicLong());
                if (first) {
                    photos.incrementAndGet();
                } else {
                    more[p.deliveryCount() > 1 ? 0 : 1]++;
                }
            }
        }
    }

    /** Every user's counts, by user id. */
    public synchronized List<UserCount> snapshot() {
        List<UserCount> out = new ArrayList<>();
        new TreeMap<>(counted).forEach((user, n) -> out.add(new UserCount(user, n.get(), distinct.get(user).get(),
                extra.get(user)[0], extra.get(user)[1])));
        return out;
    }

    /** The {@code limit} users with the most events counted, and the totals over all users. */
    public Summary summary(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        List<UserCount> all = snapshot();
        long counted = 0;
        long distinct = 0;
        long redelivered = 0;
        long replayed = 0;
        for (UserCount u : all) {
            counted += u.counted();
            distinct += u.distinct();
            redelivered += u.redelivered();
            replayed += u.replayed();
        }
        List<UserCount> top = all.stream()
                .sorted(Comparator.comparingLong(UserCount::counted).reversed().thenComparing(UserCount::userId))
                .limit(limit)
                .toList();
        return new Summary(top, all.size(), counted, distinct, redelivered, replayed);
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
