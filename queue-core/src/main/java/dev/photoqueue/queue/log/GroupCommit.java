package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.FsyncPolicy;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.LogTimingListener;
import dev.photoqueue.queue.api.PartitionOfflineException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write path of one partition: batches appends from many producers into one write and one
 * force, and completes their futures after it.
 *
 * <p>Guarantees: offsets are contiguous and assigned in the order batches are written; a batch
 * that fails to reach the file takes none. A future completes only after the write that holds its
 * record, and after the force that covers it under {@code fsync=always} or when a send of its
 * batch asked for one; the high watermark moves at the same moment, before the future completes,
 * so what a producer saw acknowledged is what readers see. Order of a batch's commit: write,
 * force (when due), {@code logEndOffset} (its offsets are taken), the high watermark (readers see
 * it), the futures. A write that fails is cut back and fails only its own sends; any other storage
 * failure (a failed force above all) takes the partition offline before anything of the batch is
 * published.
 *
 * <p>Thread-safe. A sender encodes its record into the open batch under a short append lock; the
 * log's writer thread (or a sender whose batch is full) swaps it for the spare and writes it under
 * the segments' write lock while senders fill the other buffer. The write lock is taken before
 * the append lock when both are needed.
 */
final class GroupCommit {

    /** Logs as the partition, so log settings for {@link PartitionLog} still apply. */
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private static final long WRITE_FAILURE_LOG_INTERVAL_MS = 10_000;

    private final TopicPartition topicPartition;
    private final LogConfig config;
    private final LogContext context;
    private final PartitionSegments segments;
    /** The segments' write lock: held while a batch goes to the file. */
    private final ReentrantLock writeLock;
    private final ReentrantLock appendLock = new ReentrantLock();

    // guarded by appendLock
    private BatchBuilder open;
    private PendingSends openSends;
    private boolean scheduled;
    private boolean acceptingAppends = true;

    // guarded by writeLock
    private BatchBuilder spare;
    private PendingSends spareSends;
    private long logEndOffset;

    /** {@link #drain}, made once: the writer is handed it once per batch. */
    private final Runnable drainTask = this::drain;
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    /** When a failed write was last logged (0: never), and how many failed since without a line. */
    private final long[] failureLog = new long[2];

    GroupCommit(LogConfig config, LogContext context, PartitionSegments segments, long recoveredEndOffset) {
        this.topicPartition = segments.topicPartition();
        this.config = config;
        this.context = context;
        this.segments = segments;
        this.writeLock = segments.writeLock();
        this.logEndOffset = recoveredEndOffset;
    }

    /** See {@link PartitionLog#append(long, byte[], byte[], List, boolean)}. */
    CompletableFuture<RecordMetadata> append(long timestamp, byte[] key, byte[] value, List<Header> headers,
                                             boolean force) {
        int recordSize = RecordBatches.recordSize(key, value, headers);
        if (recordSize > config.maxRecordBytes()) {
            return CompletableFuture.failedFuture(
                    new RecordTooLargeException(topicPartition.topic(), recordSize, config.maxRecordBytes()));
        }
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        boolean schedule;
        appendLock.lock();
        try {
            while (true) {
                PartitionOfflineException down = segments.offline();
                if (down != null) {
                    return CompletableFuture.failedFuture(down);
                }
                if (!acceptingAppends) {
                    return CompletableFuture.failedFuture(new QueueClosedException("partition " + topicPartition));
                }
                if (open == null) {
                    open = BatchBuilder.allocateDirect(config.batchBytes());
                    openSends = new PendingSends();
                }
                if (open.hasRoomFor(recordSize)) {
                    open.append(recordSize, timestamp, key, value, headers);
                    openSends.add(future, timestamp, force);
                    schedule = !scheduled;
                    scheduled = true;
                    break;
                }
                boolean tooLargeForBuffer = open.isEmpty();
                appendLock.unlock();
                try {
                    if (tooLargeForBuffer) {
                        writeAlone(recordSize, timestamp, key, value, headers, future, force);
                        return future;
                    }
                    // The open batch is full: this sender writes it itself, which slows the
                    // fastest producer down to the disk's pace instead of growing memory.
                    drain();
                } finally {
                    appendLock.lock();
                }
            }
        } finally {
            appendLock.unlock();
        }
        // Outside the lock: a writer that runs the drain on this very thread (a simulation's) must
        // not find the append lock held.
        if (schedule) {
            context.writer().schedule(this);
        }
        return future;
    }

    /** A record larger than the append buffer goes out as a batch of its own, after what is pending. */
    private void writeAlone(int recordSize, long timestamp, byte[] key, byte[] value, List<Header> headers,
                            CompletableFuture<RecordMetadata> future, boolean force) {
        writeLock.lock();
        try {
            drainLocked();
            BatchBuilder single = BatchBuilder.allocate(RecordBatches.HEADER_SIZE + recordSize);
            single.append(recordSize, timestamp, key, value, headers);
            PendingSends sends = new PendingSends();
            sends.add(future, timestamp, force);
            writeBatch(single, sends);
        } finally {
            writeLock.unlock();
        }
    }

    Runnable drainTask() {
        return drainTask;
    }

    /** See {@link PartitionLog#drain}: every send made before this call has completed when it returns. */
    void drain() {
        writeLock.lock();
        try {
            drainLocked();
        } finally {
            writeLock.unlock();
        }
    }

    private void drainLocked() {
        BatchBuilder batch;
        PendingSends sends;
        appendLock.lock();
        try {
            scheduled = false;
            if (open == null || open.isEmpty()) {
                return;
            }
            if (spare == null) {
                spare = BatchBuilder.allocateDirect(config.batchBytes());
                spareSends = new PendingSends();
            }
            batch = open;
            sends = openSends;
            open = spare;
            openSends = spareSends;
            spare = batch;
            spareSends = sends;
        } finally {
            appendLock.unlock();
        }
        try {
            writeBatch(batch, sends);
        } finally {
            batch.reset();
            sends.clear();
        }
    }

    /**
     * Writes one batch: roll if due, write, force when due, and only then take its offsets
     * ({@code logEndOffset}), publish the high watermark and complete its sends. A write that
     * failed and was cut back fails the batch's sends and leaves the partition as it was (a full
     * disk may free up). Any other storage failure (a failed force above all) also takes the
     * partition offline: its records never become visible, not even behind a later batch, and it
     * takes no more writes until reopened.
     */
    private void writeBatch(BatchBuilder batch, PendingSends sends) {
        long base = logEndOffset;
        int count = batch.recordCount();
        try {
            if (segments.closed()) {
                throw new QueueClosedException("partition " + topicPartition);
            }
            PartitionOfflineException down = segments.offline();
            if (down != null) {
                throw down;
            }
            ByteBuffer bytes = batch.finish(base);
            segments.rollIfDue(bytes.remaining(), count, logEndOffset);
            LogSegment segment = segments.active();
            long position = segment.size();
            LogTimingListener timing = context.timer().listener();
            long writeStarted = timing == null ? 0 : System.nanoTime();
            // Its age counts by the log's clock: producers may stamp records with any time, e.g. years ago.
            segment.append(bytes, base, count, context.clock().millis(), batch.maxTimestamp());
            if (timing != null) {
                timing.batchWritten(topicPartition, count, System.nanoTime() - writeStarted);
            }
            if (config.fsync() == FsyncPolicy.ALWAYS || sends.forceRequested()) {
                forceAppended(segment, position, base, count);
            }
            // The commit point: the offsets are taken and the batch becomes readable.
            logEndOffset = base + count;
            if (config.fsync() == FsyncPolicy.INTERVAL
                    && logEndOffset - segments.flushedOffset() >= config.flushMessages()
                    && flushRequested.compareAndSet(false, true)) {
                context.scheduler().execute("force " + topicPartition, this::flushQuietly);
            }
            segments.publish(new HighWatermark(logEndOffset, segment, segment.size()));
            context.signal().signal();
        } catch (AppendFailedException e) {
            if (!e.cutBack()) {
                segments.goOffline("a failed write of offset " + base + " could not be cut back", e.failure());
            }
            logWriteFailure(count, base, e.failure().getMessage());
            PartitionOfflineException down = segments.offline();
            sends.failAll(down != null ? down : e.failure());
            return;
        } catch (StorageException e) {
            PartitionOfflineException down = segments.goOffline("a write of offset " + base + " failed", e);
            sends.failAll(down);
            return;
        } catch (RuntimeException e) {
            if (!(e instanceof PartitionOfflineException) && !(e instanceof QueueClosedException)) {
                logWriteFailure(count, base, StorageException.reason(e));
            }
            sends.failAll(e);
            return;
        }
        sends.completeAll(topicPartition.topic(), topicPartition.partition(), base);
    }

    /**
     * Forces a batch just appended at {@code position}. On failure the batch is cut off again (best
     * effort: after a failed force nothing is known of the file) and the partition goes offline.
     */
    private void forceAppended(LogSegment segment, long position, long base, int count) {
        try {
            context.timer().timeForce(topicPartition, segment::flush);
        } catch (StorageException e) {
            segment.cutBackTo(position, e);
            segments.goOffline("the force of offsets " + base + ".." + (base + count - 1) + " failed", e);
            throw e;
        }
        segments.markFlushed(base + count);
    }

    /**
     * Logs a failed write: the first of a run at once, then at most one line every
     * {@value #WRITE_FAILURE_LOG_INTERVAL_MS} ms saying how many failed meanwhile. A full disk
     * fails every send until space is freed; one line per send would bury the one that matters.
     */
    private void logWriteFailure(int count, long base, String why) {
        long now = context.clock().millis();
        int suppressed;
        synchronized (failureLog) {
            if (failureLog[0] != 0 && now - failureLog[0] < WRITE_FAILURE_LOG_INTERVAL_MS) {
                failureLog[1]++;
                return;
            }
            suppressed = (int) failureLog[1];
            failureLog[0] = now;
            failureLog[1] = 0;
        }
        LOG.error("write of {} records to {} at offset {} failed{}: {}", count, topicPartition, base,
                suppressed == 0 ? "" : " (and " + suppressed + " more writes since the last report)", why);
    }

    /**
     * Forces what has been written to disk; see {@link PartitionLog#flush}. A failed force takes
     * the partition offline and is not retried: after one, the OS may have dropped the pages it
     * could not write, so a later force that succeeds proves nothing.
     */
    void flush() {
        flushRequested.set(false);
        long written = segments.highWatermark().offset();
        if (written <= segments.flushedOffset() || segments.closed() || segments.offline() != null) {
            return;
        }
        try {
            LogSegment segment = segments.active();
            context.timer().timeForce(topicPartition, segment::flush);
        } catch (StorageException e) {
            throw segments.goOffline("the force of offsets " + segments.flushedOffset() + ".." + (written - 1)
                    + " failed", e);
        }
        segments.markFlushed(written);
    }

    /** {@link #flush} for the scheduler: a failure is already logged by going offline. */
    void flushQuietly() {
        try {
            flush();
        } catch (PartitionOfflineException e) {
            // logged once when the partition went offline
        }
    }

    /**
     * Refuses appends from now on, writes what is pending, then closes the segments at the offset
     * the last batch ended: no batch is written after the files are closed.
     *
     * @return as {@link PartitionSegments#close}: empty, or why the recovery point was not written
     */
    Optional<StorageException> close() {
        appendLock.lock();
        try {
            acceptingAppends = false;
        } finally {
            appendLock.unlock();
        }
        drain();
        writeLock.lock();
        try {
            return segments.close(logEndOffset);
        } finally {
            writeLock.unlock();
        }
    }
}
