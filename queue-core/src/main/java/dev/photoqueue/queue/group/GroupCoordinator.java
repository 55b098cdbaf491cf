package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.TaskScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * The consumer groups of one queue: membership, partition ownership and committed positions.
 *
 * <p>Guarantees: each partition has at most one owner per group at a time; a member silent for
 * its session timeout is removed and its partitions move; positions are persisted through the
 * {@link GroupStateStore} every {@value #COMMIT_INTERVAL_MS} ms when they changed, at every
 * ownership change, when a member leaves and on {@link MemberSession#commitSync}, and before
 * records are handed out under at-most-once. A restart resumes every group at its last persisted
 * positions. Thread-safe.
 *
 * <p>A SHARED-mode group ({@link #joinShared}) has no ownership: its members take records under
 * per-record locks ({@link SharedGroupMode}), which the periodic task also expires; its
 * positions are persisted the same way.
 */
public final class GroupCoordinator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    static final long COMMIT_INTERVAL_MS = 100;
    private static final long EXPIRY_CHECK_MS = 50;

    private final PartitionSource source;
    private final GroupStateStore store;
    private final Runnable wakeReaders;
    private final LongSupplier nanoTime;
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    /** Serialises each group's persists, so positions reach the store in the order they were taken. */
    private final Map<String, Object> persistLocks = new ConcurrentHashMap<>();
    private final AtomicLong memberCounter = new AtomicLong();
    private final AtomicLong persistFailures = new AtomicLong();
    /** Groups whose last persist failed: logged once until one succeeds. */
    private final Set<String> failingGroups = ConcurrentHashMap.newKeySet();
    private final TaskScheduler scheduler;

    /**
     * @param wakeReaders wakes consumers waiting in poll, when partitions change owner or position
     * @param nanoTime    the clock of session timeouts
     */
    public GroupCoordinator(PartitionSource source, GroupStateStore store, Runnable wakeReaders, LongSupplier nanoTime) {
        this(source, store, wakeReaders, nanoTime, Env.system().newScheduler("photoqueue-group-coordinator"));
    }

    /**
     * @param scheduler runs member expiry, lock expiry and the periodic persist; closed with the coordinator
     */
    public GroupCoordinator(PartitionSource source, GroupStateStore store, Runnable wakeReaders, LongSupplier nanoTime,
                            TaskScheduler scheduler) {
        this.source = source;
        this.store = store;
        this.wakeReaders = wakeReaders;
        this.nanoTime = nanoTime;
        store.load().forEach((groupId, positions) -> {
            Group group = group(groupId);
            positions.forEach((tp, position) -> group.progress(tp).initialize(position, false));
        });
        this.scheduler = scheduler;
        scheduler.scheduleWithFixedDelay("expire silent members and locks", this::expireSilentMembers,
                EXPIRY_CHECK_MS, EXPIRY_CHECK_MS);
        scheduler.scheduleWithFixedDelay("persist group positions", this::persistAllQuietly, COMMIT_INTERVAL_MS,
                COMMIT_INTERVAL_MS);
    }

    long nanoTime() {
        return nanoTime.getAsLong();
    }

    private Group group(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new Group(id, source));
    }

    /** Adds an ORDERED-mode member for these topics; it learns its partitions from {@link MemberSession#sync}. */
    public MemberSession join(GroupConsumerConfig config, Collection<String> topics) {
        return join(config, ConsumptionMode.ORDERED, topics, (group, member) -> new MemberSession(this, group, member));
    }

    /** Adds a SHARED-mode member for these topics: it owns no partitions and takes records under locks. */
    public SharedSession joinShared(GroupConsumerConfig config, Collection<String> topics) {
        return join(config, ConsumptionMode.SHARED, topics, (group, member) -> new SharedSession(this, group, member));
    }

    /**
     * Joins a member of {@code mode} once its mode and topics are checked, so that a failed join leaves
     * no trace. In either mode the positions the join gave partitions without one are persisted at once.
     */
    private <S> S join(GroupConsumerConfig config, ConsumptionMode mode, Collection<String> topics,
                       BiFunction<Group, Member, S> session) {
        if (config.mode() != mode) {
            throw new IllegalArgumentException("a " + mode + "-mode session needs a " + mode + "-mode config, group "
                    + config.groupId() + " has " + config.mode());
        }
        for (String topic : topics) {
            source.partitionCount(topic);
        }
        String memberId = config.clientId() + "-" + memberCounter.incrementAndGet();
        Member member = new Member(memberId, config, new TreeSet<>(topics), nanoTime());
        Group group = group(config.groupId());
        group.join(member);
        afterOwnershipChange(group);
        return session.apply(group, member);
    }

    void remove(Group group, Member member, String because) {
        group.remove(member, because);
        afterOwnershipChange(group);
    }

    void afterOwnershipChange(Group group) {
        persistAsync(group);
        wakeReaders.run();
    }

    private void expireSilentMembers() {
        long now = nanoTime();
        for (Group group : groups.values()) {
            // One group's failure must not keep the others' members and locks from expiring.
            try {
                group.expireLocks(now);
                for (Member m : group.members()) {
                    long silentMs = TimeUnit.NANOSECONDS.toMillis(now - m.lastSeenNanos);
                    if (silentMs > m.config.sessionTimeoutMs()) {
                        remove(group, m, "no heartbeat for " + silentMs + " ms, session timeout "
                                + m.config.sessionTimeoutMs() + " ms");
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("expiring the silent members and locks of group {} failed; tried again in {} ms",
                        group.groupId, EXPIRY_CHECK_MS, e);
            }
        }
    }

    /**
     * Persists the group's changed positions and waits until they would survive a crash. Throws
     * the store's failure (a {@link dev.photoqueue.queue.api.QueueException}); the positions stay
     * dirty and are written again by the next persist.
     */
    void persistNow(Group group) {
        persistNow(group, false);
    }

    /**
     * As {@link #persistNow(Group)}; with {@code force} the positions are forced to disk before it
     * returns, whatever {@code internal.fsync} says: for the commits that promise something (an
     * at-most-once hand-out, a transaction, a reset), which a power loss must not take back.
     */
    void persistNow(Group group, boolean force) {
        try {
            persistAsync(group, force).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Writes the group's changed positions. A position is marked clean only when its write is
     * durable; a write that fails is logged (once until one succeeds again), counted, and leaves
     * the positions dirty, so the periodic persist writes them again.
     */
    private CompletableFuture<Void> persistAsync(Group group) {
        return persistAsync(group, false);
    }

    private CompletableFuture<Void> persistAsync(Group group, boolean force) {
        synchronized (persistLocks.computeIfAbsent(group.groupId, id -> new Object())) {
            Map<TopicPartition, CommittedPosition> changed = new LinkedHashMap<>();
            List<Runnable> markClean = new ArrayList<>();
            group.forEachState((tp, state) -> {
                PendingPosition pending = state.pendingPosition();
                if (pending != null) {
                    changed.put(tp, pending.position());
                    markClean.add(() -> state.persisted(pending.version()));
                }
            });
            if (changed.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> written;
            try {
                written = store.persist(group.groupId, changed, force);
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            return written.whenComplete((ok, failure) -> {
                if (failure == null) {
                    markClean.forEach(Runnable::run);
                    persistSucceeded(group.groupId);
                } else {
                    persistFailed(group.groupId, changed.size(), failure);
                }
            });
        }
    }

    private void persistFailed(String groupId, int positions, Throwable failure) {
        persistFailures.incrementAndGet();
        if (failingGroups.add(groupId)) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            LOG.error("persisting {} positions of group {} failed; they stay pending and are written again every "
                    + "{} ms: {}", positions, groupId, COMMIT_INTERVAL_MS,
                    StorageException.reason(cause));
        }
    }

    private void persistSucceeded(String groupId) {
        if (!failingGroups.isEmpty() && failingGroups.remove(groupId)) {
            LOG.info("the positions of group {} are persisted again", groupId);
        }
    }

    /** How many writes of positions have failed since the coordinator started (each is retried). */
    public long persistFailures() {
        return persistFailures.get();
    }

    private void persistAllQuietly() {
        for (Group group : groups.values()) {
            try {
                persistAsync(group);
            } catch (RuntimeException e) {
                LOG.error("persisting the positions of group {} failed: {}", group.groupId,
                        StorageException.reason(e));
            }
        }
    }

    /**
     * Marks records done for a group whoever holds their partitions, and persists the positions:
     * the acks of transactions that committed before a crash but were not applied yet. Called
     * when the queue opens, before members join. Idempotent.
     */
    public void applyCommittedAcks(String groupId, Map<TopicPartition, List<Long>> offsets) {
        Group group = group(groupId);
        offsets.forEach((tp, list) -> {
            PartitionProgress p = group.progress(tp);
            if (!p.isInitialized()) {
                LOG.warn("group {} has no position on {}; the committed acks of offsets {} are not applied",
                        groupId, tp, list);
                return;
            }
            list.forEach(p::markDone);
        });
        persistNow(group, true);
    }

    /** Groups with members or positions. */
    public Set<String> groupIds() {
        return new TreeSet<>(groups.keySet());
    }

    /**
     * The smallest committed position any group has on {@code tp}, or -1 when no group has one:
     * where the backlog of the partition's slowest consumer starts, in whichever mode each group
     * consumes (a SHARED group's is its shared state's first record not done). Takes no group lock.
     */
    public long slowestCommitted(TopicPartition tp) {
        long slowest = -1;
        for (Group group : groups.values()) {
            PartitionState state = group.stateOf(tp);
            if (state != null) {
                long committed = state.committed();
                if (committed >= 0 && (slowest < 0 || committed < slowest)) {
                    slowest = committed;
                }
            }
        }
        return slowest;
    }

    /** {@link UnknownGroupException} when the group has neither members nor positions. */
    public GroupDescription describe(String groupId) {
        Group group = groups.get(groupId);
        if (group == null) {
            throw new UnknownGroupException(groupId);
        }
        List<GroupDescription.MemberDescription> members = new ArrayList<>();
        for (Member m : group.members()) {
            members.add(group.describe(m));
        }
        List<GroupDescription.PartitionLag> partitions = new ArrayList<>();
        group.forEachState((tp, state) -> {
            long end = source.endOffset(tp);
            long committed = state.isInitialized() ? state.committed() : -1;
            // A SHARED state has no owner: its records are locked to members one by one.
            Member owner = state instanceof PartitionProgress p ? p.owner() : null;
            partitions.add(new GroupDescription.PartitionLag(tp, committed, end,
                    committed < 0 ? end - source.startOffset(tp) : Math.max(0, end - committed),
                    owner == null || owner.removed ? null : owner.memberId));
        });
        return new GroupDescription(groupId, group.generation(), members, partitions);
    }

    /**
     * Moves the group's position on every partition of {@code topic} and persists it; owners
     * continue from there at their next poll. Other groups are untouched.
     */
    public Map<TopicPartition, Long> reset(String groupId, String topic, OffsetSpec spec) {
        Group group = group(groupId);
        int partitions = source.partitionCount(topic);
        Map<TopicPartition, Long> result = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            long start = source.startOffset(tp);
            long end = source.endOffset(tp);
            long target = switch (spec.kind()) {
                case EARLIEST -> start;
                case LATEST -> end;
                case OFFSET -> Math.max(start, Math.min(end, spec.value()));
                case TIMESTAMP -> source.offsetForTimestamp(tp, spec.value());
            };
            group.reset(tp, target);
            result.put(tp, target);
        }
        persistNow(group, true);
        wakeReaders.run();
        LOG.info("reset group {} on topic {} ({} {}): {}", groupId, topic, spec.kind(), spec.value(), result);
        return result;
    }

    /** Stops the background work and persists every group's positions. */
    @Override
    public void close() {
        scheduler.close();
        RuntimeException failure = null;
        for (Group group : groups.values()) {
            try {
                persistNow(group);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
