package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.BacklogFullException;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupCoordinator;
import dev.photoqueue.queue.log.LogConfig;
import dev.photoqueue.queue.log.PartitionLog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Holds producers back while a partition's backlog, what its slowest consumer group has not
 * consumed, is at its topic's {@code max.backlog.records} or {@code max.backlog.bytes}. The limit
 * is per partition.
 *
 * <p>Guarantee: the record limit is exact under any number of concurrent senders. A send through
 * {@link #append} is let through only while the records stored past the slowest group's position
 * plus the sends let through before it and not yet written stay under the limit; so {@code n}
 * senders racing for room for {@code k} records append exactly {@code min(n, k)} of them. A send
 * that would find room only if some of those in-flight sends failed waits until they are written
 * (they are already in the log's open batch), at most {@value #IN_FLIGHT_WAIT_MS} ms, and then
 * counts them as stored. The byte limit counts in-flight records by their key, value and header
 * sizes; the stored bytes come from the offset index, so that limit stays approximate by up to
 * {@code index.interval.bytes}.
 *
 * <p>Thread-safe; one per backend, shared by its producers. Each partition's admissions are
 * decided under a lock of their own; the append runs outside it, and an admitted send stops
 * counting as in flight when its future completes, which is after the log's high watermark counts
 * its record (or after it failed, writing nothing).
 *
 * <p>Cost: nothing for a topic without a limit. With a limit, the slowest committed position is
 * remembered for {@value #CACHE_NANOS} ns; a committed position only moves forward, so a remembered
 * one can only overstate the backlog. A send that finds room with it is let through at once; one
 * that finds none looks again at the groups' current positions before it waits or is refused. A
 * group that joins or is reset backwards is therefore seen within that time.
 */
final class BacklogGate {

    static final long CACHE_NANOS = 1_000_000;
    /** Longest a send waits for the sends let through before it to be written before it counts them as stored. */
    static final long IN_FLIGHT_WAIT_MS = 1_000;
    /** Longest sleep between two looks while a send waits for room: acks do not wake producers. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final GroupCoordinator coordinator;
    private final LongSupplier nanoTime;
    private final Map<TopicPartition, Admissions> partitions = new ConcurrentHashMap<>();

    /** A send that does not fit: what it would be refused with, and whether in-flight sends decide that. */
    private record Refusal(BacklogFullException full, boolean untilInFlightWritten) {
    }

    /** One partition's sends let through and not yet written, and its slowest committed position as last looked up. */
    private static final class Admissions {
        final ReentrantLock lock = new ReentrantLock();
        /** Signalled when an in-flight send completes. */
        final Condition released = lock.newCondition();
        // guarded by lock
        long records;
        long bytes;
        long committed = -1;
        long committedAtNanos;
        boolean committedKnown;

        void release(long size) {
            lock.lock();
            try {
                records--;
                bytes -= size;
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    BacklogGate(GroupCoordinator coordinator, LongSupplier nanoTime) {
        this.coordinator = coordinator;
        this.nanoTime = nanoTime;
    }

    /**
     * Appends the record to {@code log} once the partition has room for it, waiting for at most
     * {@code maxBlockMs} (0: not at all) for the consumers to make room; then fails with
     * {@link BacklogFullException} naming the backlog found last. An interrupt ends the wait with a
     * {@link QueueException} and leaves the thread's interrupt flag set. The future is the append's.
     */
    CompletableFuture<RecordMetadata> append(PartitionLog log, long timestamp, byte[] key, byte[] value,
                                             List<Header> headers, long maxBlockMs) {
        if (!log.config().limitsBacklog()) {
            return log.append(timestamp, key, value, headers);
        }
        Admissions admissions = admissions(log);
        long size = payloadBytes(key, value, headers);
        admit(log, admissions, size, maxBlockMs, true);
        CompletableFuture<RecordMetadata> sent;
        try {
            sent = log.append(timestamp, key, value, headers);
        } catch (RuntimeException e) {
            admissions.release(size);
            throw e;
        }
        sent.whenComplete((written, failed) -> admissions.release(size));
        return sent;
    }

    /** Returns when {@code log} has room; fails at once with {@link BacklogFullException} when it has none. Reserves nothing. */
    void checkRoom(PartitionLog log) {
        awaitRoom(log, 0);
    }

    /**
     * Returns once {@code log} has room, waiting for at most {@code maxBlockMs}; then fails like
     * {@link #append}. Reserves nothing: for sends that are written later (a transaction's, at its commit).
     */
    void awaitRoom(PartitionLog log, long maxBlockMs) {
        if (log.config().limitsBacklog()) {
            admit(log, admissions(log), 0, maxBlockMs, false);
        }
    }

    private Admissions admissions(PartitionLog log) {
        Admissions a = partitions.get(log.topicPartition());
        return a != null ? a : partitions.computeIfAbsent(log.topicPartition(), tp -> new Admissions());
    }

    /** Lets one send of {@code size} bytes through (counting it in flight when {@code reserve}), or throws. */
    private void admit(PartitionLog log, Admissions a, long size, long maxBlockMs, boolean reserve) {
        long start = nanoTime.getAsLong();
        long blockDeadline = start + TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
        long inFlightDeadline = start + TimeUnit.MILLISECONDS.toNanos(IN_FLIGHT_WAIT_MS);
        long park = 100_000;
        a.lock.lock();
        try {
            while (true) {
                long now = nanoTime.getAsLong();
                Refusal refusal = refusalNow(log, a, now);
                if (refusal == null) {
                    if (reserve) {
                        a.records++;
                        a.bytes += size;
                    }
                    return;
                }
                long wait;
                if (refusal.untilInFlightWritten() && inFlightDeadline - now > 0) {
                    wait = inFlightDeadline - now;
                } else if (blockDeadline - now > 0) {
                    wait = Math.min(park, blockDeadline - now);
                    park = Math.min(park * 2, MAX_PARK_NANOS);
                } else {
                    throw refusal.full();
                }
                try {
                    a.released.awaitNanos(Math.min(wait, MAX_PARK_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QueueException("interrupted while waiting for room in the backlog of "
                            + log.topicPartition() + " (" + refusal.full().backlog() + " of " + refusal.full().limit()
                            + " " + refusal.full().setting() + ")");
                }
            }
        } finally {
            a.lock.unlock();
        }
    }

    /** Why one more send does not fit now, or null when it does; with a remembered position first, then a fresh one. */
    private Refusal refusalNow(PartitionLog log, Admissions a, long now) {
        if (a.committedKnown && now - a.committedAtNanos < CACHE_NANOS) {
            Refusal remembered = refusalAt(a.committed, log, a);
            if (remembered == null) {
                return null;
            }
        }
        a.committed = coordinator.slowestCommitted(log.topicPartition());
        a.committedAtNanos = now;
        a.committedKnown = true;
        return refusalAt(a.committed, log, a);
    }

    /** Why one more send does not fit with the slowest group at {@code committed} (-1: no group), or null. */
    private static Refusal refusalAt(long committed, PartitionLog log, Admissions a) {
        if (committed < 0) {
            return null;
        }
        LogConfig config = log.config();
        TopicPartition tp = log.topicPartition();
        long records = Math.max(0, log.endOffset() - committed);
        long bytes = config.maxBacklogBytes() >= 0 ? log.bytesFrom(committed) : 0;
        if (config.maxBacklogRecords() >= 0 && records >= config.maxBacklogRecords()) {
            return new Refusal(new BacklogFullException(tp, records, config.maxBacklogRecords(),
                    TopicConfigs.MAX_BACKLOG_RECORDS), false);
        }
        if (config.maxBacklogBytes() >= 0 && bytes >= config.maxBacklogBytes()) {
            return new Refusal(new BacklogFullException(tp, bytes, config.maxBacklogBytes(),
                    TopicConfigs.MAX_BACKLOG_BYTES), false);
        }
        if (config.maxBacklogRecords() >= 0 && records + a.records >= config.maxBacklogRecords()) {
            return new Refusal(new BacklogFullException(tp, records + a.records, config.maxBacklogRecords(),
                    TopicConfigs.MAX_BACKLOG_RECORDS), true);
        }
        if (config.maxBacklogBytes() >= 0 && bytes + a.bytes >= config.maxBacklogBytes()) {
            return new Refusal(new BacklogFullException(tp, bytes + a.bytes, config.maxBacklogBytes(),
                    TopicConfigs.MAX_BACKLOG_BYTES), true);
        }
        return null;
    }

    /** What the record adds to the partition's bytes, near enough: its key, value and headers. */
    private static long payloadBytes(byte[] key, byte[] value, List<Header> headers) {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
