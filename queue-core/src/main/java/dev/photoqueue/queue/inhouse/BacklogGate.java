package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.BacklogFullException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.log.LogConfig;
import dev.photoqueue.queue.log.PartitionLog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Holds producers back while a partition's backlog, what its slowest consumer group has not
 * consumed, is at its topic's {@code max.backlog.records} or {@code max.backlog.bytes}. The limit
 * is per partition. Thread-safe; one per backend, shared by its producers.
 *
 * <p>Cost: nothing for a topic without a limit (one read of its config). With a limit, the slowest
 * committed position is remembered for {@value #CACHE_NANOS} ns; a committed position only moves
 * forward, so a remembered one can only overstate the backlog. A send that finds room with it is
 * let through at once; one that finds none looks again at the groups' current positions before
 * refusing. A group that joins or is reset backwards is therefore seen within that time.
 */
final class BacklogGate {

    static final long CACHE_NANOS = 1_000_000;
    /** Longest sleep between two looks while a send waits for room: acks do not wake producers. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final GroupCoordinator coordinator;
    private final LongSupplier nanoTime;
    private final Map<TopicPartition, Slowest> slowest = new ConcurrentHashMap<>();

    /** The slowest committed position of one partition (-1: no group), and when it was looked up. */
    private record Slowest(long committed, long atNanos) {
    }

    BacklogGate(GroupCoordinator coordinator, LongSupplier nanoTime) {
        this.coordinator = coordinator;
        this.nanoTime = nanoTime;
    }

    /** Returns when {@code log} has room; fails at once with {@link BacklogFullException} when it has none. */
    void checkRoom(PartitionLog log) {
        BacklogFullException full = fullOrNull(log);
        if (full != null) {
            throw full;
        }
    }

    /**
     * Returns once {@code log} has room, waiting for at most {@code maxBlockMs}; then fails with
     * {@link BacklogFullException} naming the backlog found last. An interrupt ends the wait with a
     * {@link QueueException} and leaves the thread's interrupt flag set.
     */
    void awaitRoom(PartitionLog log, long maxBlockMs) {
        BacklogFullException full = fullOrNull(log);
        if (full == null) {
            return;
        }
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
        long park = 100_000;
        while (full != null) {
            long left = deadline - nanoTime.getAsLong();
            if (left <= 0) {
                throw full;
            }
            LockSupport.parkNanos(Math.min(park, left));
            if (Thread.currentThread().isInterrupted()) {
                throw new QueueException("interrupted while waiting for room in the backlog of "
                        + log.topicPartition() + " (" + full.backlog() + " of " + full.limit() + ")");
            }
            park = Math.min(park * 2, MAX_PARK_NANOS);
            full = fullOrNull(log);
        }
    }

    private BacklogFullException fullOrNull(PartitionLog log) {
        LogConfig config = log.config();
        if (!config.limitsBacklog()) {
            return null;
        }
        TopicPartition tp = log.topicPartition();
        long now = nanoTime.getAsLong();
        Slowest known = slowest.get(tp);
        if (known != null && now - known.atNanos() < CACHE_NANOS && overLimit(log, known.committed()) == null) {
            return null;
        }
        Slowest fresh = new Slowest(coordinator.slowestCommitted(tp), now);
        slowest.put(tp, fresh);
        return overLimit(log, fresh.committed());
    }

    private static BacklogFullException overLimit(PartitionLog log, long committed) {
        if (committed < 0) {
            return null;
        }
        LogConfig config = log.config();
        TopicPartition tp = log.topicPartition();
        if (config.maxBacklogRecords() >= 0) {
            long records = Math.max(0, log.endOffset() - committed);
            if (records >= config.maxBacklogRecords()) {
                return new BacklogFullException(tp, records, config.maxBacklogRecords(),
                        TopicConfigs.MAX_BACKLOG_RECORDS);
            }
        }
        if (config.maxBacklogBytes() >= 0) {
            long bytes = log.bytesFrom(committed);
            if (bytes >= config.maxBacklogBytes()) {
                return new BacklogFullException(tp, bytes, config.maxBacklogBytes(), TopicConfigs.MAX_BACKLOG_BYTES);
            }
        }
        return null;
    }
}
