package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FsyncPolicy;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.LogTimingListener;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.PartitionOfflineException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition: an append-only sequence of records numbered by offset, stored as segments in one
 * directory.
 *
 * <p>Guarantees: offsets are contiguous and assigned in the order records are written; a record is
 * visible to readers only once it is below the <em>high watermark</em>, which moves after the
 * batch is written to the file (and, with {@code fsync=always}, forced to disk); a send's future
 * completes at the same moment, so what a producer saw acknowledged is what readers see and what
 * a restart finds.
 *
 * <p>Commit points, each published only after the write it depends on:
 * <ul>
 * <li>a batch: write, force (under {@code fsync=always} or when a send asked for it), then
 *     {@code logEndOffset} (its offsets are taken), the high watermark (readers see it) and the
 *     send futures, in that order. A write that fails is cut back and takes no offsets; any
 *     other storage failure (a failed force above all) takes the partition offline
 *     ({@link #offline}) before anything of the batch is published;</li>
 * <li>a roll: the old segment is forced (sealed), the new file's directory entry is forced, then
 *     the recovery point is written atomically (temp file, force, rename, force the directory);</li>
 * <li>{@code flushedOffset} moves only after the force that covers it returned;</li>
 * <li>retention: a segment leaves the map readers look in first, then its files are unlinked; a
 *     crash in between leaves files that the next open reads as part of the log again (the same
 *     records, deleted again by the next retention run).</li>
 * </ul>
 *
 * <p>Thread-safe. Appends from many threads are group-committed: each encodes its record into the
 * open batch under a short lock, and the log's writer thread (or a sender whose batch is full)
 * writes the whole batch with one system call. Reads take no lock.
 */
public final class PartitionLog {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    /** What readers may see: offsets below {@code offset}, bytes below {@code position} of {@code segment}. */
    private record Watermark(long offset, LogSegment segment, long position) {
    }

    /**
     * The outcome of a read: records in offset order, the offset to read next, and where in the
     * file that is, so the next {@link #read(long, int, Fetch)} can skip the index lookup.
     */
    public record Fetch(List<ConsumerRecord> records, long nextOffset, long segmentBaseOffset, long nextPosition) {
    }

    private final TopicPartition topicPartition;
    private final Path dir;
    private final LogConfig config;
    private final LogContext context;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private volatile LogSegment active;
    private volatile Watermark highWatermark;
    private volatile boolean closed;
    private static final long WRITE_FAILURE_LOG_INTERVAL_MS = 10_000;
    /** When a failed write was last logged (0: never), and how many failed since without a line. */
    private final long[] failureLog = new long[2];
    /** Set once, by the first storage failure that leaves the files' state unknown. */
    private volatile PartitionOfflineException offline;

    private final ReentrantLock appendLock = new ReentrantLock();
    /** Held while a batch goes to the file; taken before {@link #appendLock} when both are needed. */
    private final ReentrantLock writeLock = new ReentrantLock();

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

    /** Every offset below is forced to disk. Only grows. */
    private final AtomicLong flushedOffset = new AtomicLong();
    private final AtomicBoolean flushRequested = new AtomicBoolean();

    PartitionLog(TopicPartition topicPartition, Path dir, LogConfig config, LogContext context,
                 ConcurrentSkipListMap<Long, LogSegment> segments, long recoveredEndOffset) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.context = context;
        this.segments = segments;
        this.active = segments.lastEntry().getValue();
        this.logEndOffset = recoveredEndOffset;
        this.flushedOffset.set(recoveredEndOffset);
        this.highWatermark = new Watermark(recoveredEndOffset, active, active.size());
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public LogConfig config() {
        return config;
    }

    /** The first offset still stored (retention moves it forward). */
    public long startOffset() {
        return segments.firstKey();
    }

    /** The high watermark: the offset the next acknowledged record gets. */
    public long endOffset() {
        return highWatermark.offset;
    }

    public long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /**
     * About how many log bytes hold the records from {@code offset} to the end: 0 at or past the
     * end offset, the whole partition before its start. Found through the offset index, so it may
     * count up to {@code index.interval.bytes} (plus one batch) more than exactly; it reads no file.
     * Cheap enough to call on every send of a topic with a backlog limit. Thread-safe.
     */
    public long bytesFrom(long offset) {
        if (offset >= endOffset()) {
            return 0;
        }
        Map.Entry<Long, LogSegment> first = segments.floorEntry(offset);
        long total = 0;
        for (LogSegment segment : segments.tailMap(first == null ? segments.firstKey() : first.getKey()).values()) {
            total += segment.size();
        }
        if (first != null) {
            total -= Math.min(first.getValue().size(), first.getValue().indexedPosition(offset));
        }
        return total;
    }

    public int segmentCount() {
        return segments.size();
    }

    /** {@link RecordTooLargeException} when a record of these parts is over {@code max.record.bytes}, as append checks. */
    public void checkRecordSize(byte[] key, byte[] value, List<Header> headers) {
        int recordSize = RecordBatches.recordSize(key, value, headers);
        if (recordSize > config.maxRecordBytes()) {
            throw new RecordTooLargeException(topicPartition.topic(), recordSize, config.maxRecordBytes());
        }
    }

    /**
     * Appends one record. Fails fast (in the future) with {@link RecordTooLargeException} when the
     * record is over {@code max.record.bytes}, and with {@link QueueClosedException} once closed.
     * The future completes on the log's writer thread: keep callbacks short.
     */
    public CompletableFuture<RecordMetadata> append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        return append(timestamp, key, value, headers, false);
    }

    /**
     * As {@link #append(long, byte[], byte[], List)}; with {@code force}, the record is acknowledged,
     * and readable, only once its batch is forced to disk, as under {@code fsync=always}, whatever
     * the topic's policy: for the writes a queue's own state depends on (positions, transaction
     * decisions, dead letters) in a topic that others append to lazily.
     */
    public CompletableFuture<RecordMetadata> append(long timestamp, byte[] key, byte[] value, List<Header> headers,
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
                PartitionOfflineException down = offline;
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

    /**
     * Writes the open batch now, if any: every send made before this call has completed when it
     * returns. Called by the writer thread, by senders whose batch is full, by flush and by close.
     */
    public void drain() {
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
     * Writes one batch: roll if due, write, force under {@code fsync=always}, and only then take
     * its offsets ({@code logEndOffset}), publish the high watermark and complete its sends. A
     * write that failed and was cut back fails the batch's sends and leaves the partition as it
     * was (a full disk may free up). Any other storage failure (a failed force above all) also
     * takes the partition offline: its records never become visible, not even behind a later
     * batch, and it takes no more writes until reopened.
     */
    private void writeBatch(BatchBuilder batch, PendingSends sends) {
        long base = logEndOffset;
        int count = batch.recordCount();
        try {
            if (closed) {
                throw new QueueClosedException("partition " + topicPartition);
            }
            PartitionOfflineException down = offline;
            if (down != null) {
                throw down;
            }
            ByteBuffer bytes = batch.finish(base);
            maybeRoll(bytes.remaining(), count);
            LogSegment segment = active;
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
                    && logEndOffset - flushedOffset.get() >= config.flushMessages()
                    && flushRequested.compareAndSet(false, true)) {
                context.scheduler().execute("force " + topicPartition, this::flushQuietly);
            }
            highWatermark = new Watermark(logEndOffset, segment, segment.size());
            context.signal().signal();
        } catch (AppendFailedException e) {
            if (!e.cutBack()) {
                goOffline("a failed write of offset " + base + " could not be cut back", e.failure());
            }
            logWriteFailure(count, base, e.failure().getMessage());
            sends.failAll(offline != null ? offline : e.failure());
            return;
        } catch (StorageException e) {
            PartitionOfflineException down = goOffline("a write of offset " + base + " failed", e);
            sends.failAll(down);
            return;
        } catch (RuntimeException e) {
            if (!(e instanceof PartitionOfflineException) && !(e instanceof QueueClosedException)) {
                logWriteFailure(count, base, e.toString());
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
            goOffline("the force of offsets " + base + ".." + (base + count - 1) + " failed", e);
            throw e;
        }
        flushedOffset.accumulateAndGet(base + count, Math::max);
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

    /** Takes the partition offline once, for good until reopened; returns the exception sends now fail with. */
    private PartitionOfflineException goOffline(String reason, Throwable cause) {
        PartitionOfflineException down = new PartitionOfflineException(topicPartition, reason + ": "
                + cause.getMessage(), cause);
        synchronized (this) {
            if (offline == null) {
                offline = down;
                LOG.error("{} is offline: {}; it takes no writes until the queue is reopened, which checks what is "
                        + "on disk", topicPartition, down.getMessage());
            }
            return offline;
        }
    }

    /** Null while the partition takes writes; the reason it stopped once it went offline. */
    public PartitionOfflineException offline() {
        return offline;
    }

    private void maybeRoll(int batchBytes, int recordCount) {
        LogSegment segment = active;
        if (segment.size() == 0) {
            return;
        }
        String reason = null;
        if (segment.size() + batchBytes > config.segmentBytes()) {
            reason = "size";
        } else if (segment.firstTimestamp() >= 0
                && context.clock().millis() - segment.firstTimestamp() >= config.segmentMs()) {
            reason = "age";
        } else if (segment.indexFull()) {
            reason = "index full";
        } else if (logEndOffset + recordCount - segment.baseOffset() > Integer.MAX_VALUE) {
            reason = "offset range";
        }
        if (reason != null) {
            roll(reason);
        }
    }

    private void roll(String reason) {
        LogSegment old = active;
        old.seal();
        LogSegment next = LogSegment.create(context.files(), dir, logEndOffset, config);
        segments.put(next.baseOffset(), next);
        active = next;
        flushedOffset.accumulateAndGet(logEndOffset, Math::max);
        writeRecoveryPoint(logEndOffset);
        LOG.debug("rolled {} to a new segment at offset {} ({})", topicPartition, logEndOffset, reason);
    }

    private void writeRecoveryPoint(long offset) {
        LogFiles.writeAtomically(context.files(), dir.resolve(LogFiles.RECOVERY_POINT), Long.toString(offset));
    }

    /**
     * Forces what has been written to disk. Runs on the scheduler ({@code fsync=interval}) or on
     * demand. A failed force takes the partition offline and is not retried: after one, the OS may
     * have dropped the pages it could not write, so a later force that succeeds proves nothing.
     */
    public void flush() {
        flushRequested.set(false);
        long written = highWatermark.offset;
        if (written <= flushedOffset.get() || closed || offline != null) {
            return;
        }
        try {
            LogSegment segment = active;
            context.timer().timeForce(topicPartition, segment::flush);
        } catch (StorageException e) {
            throw goOffline("the force of offsets " + flushedOffset.get() + ".." + (written - 1) + " failed", e);
        }
        flushedOffset.accumulateAndGet(written, Math::max);
    }

    /** {@link #flush} for the scheduler: a failure is already logged by going offline. */
    void flushQuietly() {
        try {
            flush();
        } catch (PartitionOfflineException e) {
            // logged once when the partition went offline
        }
    }

    /** Every offset below this is forced to disk. */
    public long flushedOffset() {
        return flushedOffset.get();
    }

    /** Reads from {@code offset}; see {@link #read(long, int, int, Fetch)}. */
    public Fetch read(long offset, int maxBytes) {
        return read(offset, maxBytes, Integer.MAX_VALUE, null);
    }

    /** Reads from {@code offset}, bounded by bytes only; see {@link #read(long, int, int, Fetch)}. */
    public Fetch read(long offset, int maxBytes, Fetch previous) {
        return read(offset, maxBytes, Integer.MAX_VALUE, previous);
    }

    /**
     * Reads records from {@code offset} on, whole batches until about {@code maxBytes} worth or at
     * least {@code maxRecords} records are read (at least one batch when there is one), never past
     * the high watermark. An empty fetch at the end offset; an {@link OffsetOutOfRangeException}
     * before the start or past the end. {@code previous}, when it ended at {@code offset}, lets the
     * read resume at the remembered file position. A consumer that hands out a few hundred records
     * at a time should bound the records too: every record read is decoded into objects at once,
     * and a fetch that far outgrows what it hands out next is no longer in the CPU's cache when the
     * caller reaches its end.
     */
    public Fetch read(long offset, int maxBytes, int maxRecords, Fetch previous) {
        if (closed) {
            throw new QueueClosedException("partition " + topicPartition);
        }
        Watermark hw = highWatermark;
        long start = startOffset();
        if (offset < start || offset > hw.offset) {
            throw new OffsetOutOfRangeException(topicPartition, offset, start, hw.offset);
        }
        if (offset == hw.offset) {
            return new Fetch(List.of(), offset, -1, -1);
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            while (entry != null) {
                LogSegment segment = entry.getValue();
                if (segment.baseOffset() > hw.segment.baseOffset()) {
                    break;
                }
                long end = segment == hw.segment ? hw.position : segment.size();
                long hint = previous != null && previous.nextOffset == offset
                        && previous.segmentBaseOffset == segment.baseOffset() ? previous.nextPosition : -1;
                List<ConsumerRecord> out = new ArrayList<>();
                long next = segment.read(topicPartition.topic(), topicPartition.partition(), offset, hint, end,
                        maxBytes, maxRecords, out);
                if (!out.isEmpty()) {
                    return new Fetch(out, out.get(out.size() - 1).offset() + 1, segment.baseOffset(), next);
                }
                entry = segments.higherEntry(entry.getKey());
            }
            return new Fetch(List.of(), offset, -1, -1);
        } catch (SegmentDeletedException e) {
            throw new OffsetOutOfRangeException(topicPartition, offset, startOffset(), endOffset());
        }
    }

    /** The first record at or after {@code timestamp} (epoch millis), or null when all are older. */
    public OffsetAndTimestamp offsetForTimestamp(long timestamp) {
        Watermark hw = highWatermark;
        try {
            for (LogSegment segment : segments.values()) {
                if (segment.baseOffset() > hw.segment.baseOffset()) {
                    break;
                }
                if (segment.maxTimestamp() < timestamp) {
                    continue;
                }
                long end = segment == hw.segment ? hw.position : segment.size();
                OffsetAndTimestamp found = segment.findByTimestamp(timestamp, end);
                if (found != null) {
                    return found;
                }
            }
            return null;
        } catch (SegmentDeletedException e) {
            return offsetForTimestamp(timestamp);
        }
    }

    /**
     * Applies retention: deletes whole sealed segments whose newest record is older than
     * {@code retention.ms}, then the oldest while the partition would stay at or above
     * {@code retention.bytes} without them. The active segment is never deleted.
     *
     * @return how many segments were deleted
     */
    public int applyRetention() {
        writeLock.lock();
        try {
            if (closed) {
                return 0;
            }
            int deleted = 0;
            long now = context.clock().millis();
            if (config.retentionMs() >= 0) {
                for (LogSegment segment : segments.values()) {
                    if (segment == active || segment.maxTimestamp() >= now - config.retentionMs()) {
                        break;
                    }
                    delete(segment, "retention.ms: newest record at " + segment.maxTimestamp());
                    deleted++;
                }
            }
            if (config.retentionBytes() >= 0) {
                long size = sizeInBytes();
                for (LogSegment segment : segments.values()) {
                    if (segment == active || size - segment.size() < config.retentionBytes()) {
                        break;
                    }
                    size -= segment.size();
                    delete(segment, "retention.bytes: partition at " + (size + segment.size()) + " bytes");
                    deleted++;
                }
            }
            return deleted;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Deletes the sealed segments that hold only offsets below {@code offset}, for a log whose
     * owner knows those records are superseded (Kafka's deleteRecords, by whole segments).
     *
     * @return how many segments were deleted
     */
    public int deleteSegmentsBefore(long offset) {
        writeLock.lock();
        try {
            if (closed) {
                return 0;
            }
            int deleted = 0;
            for (LogSegment segment : segments.values()) {
                if (segment == active || segment.nextOffset() > offset) {
                    break;
                }
                delete(segment, "records before offset " + offset + " deleted by their owner");
                deleted++;
            }
            return deleted;
        } finally {
            writeLock.unlock();
        }
    }

    private void delete(LogSegment segment, String reason) {
        segments.remove(segment.baseOffset());
        segment.deleteFiles();
        // Readers that fetched this segment a moment ago may still be reading its open file.
        context.closeLater(segment::close);
        LOG.info("deleted segment {} of {} ({}); log now starts at offset {}", segment.baseOffset(), topicPartition,
                reason, startOffset());
    }

    /**
     * Writes what is pending, forces everything to disk, trims the indexes and records the recovery
     * point. Sends after this fail with {@link QueueClosedException}. An offline partition only
     * closes its files and throws its {@link PartitionOfflineException}: it writes no recovery
     * point, so that the next open checks everything after the last one it trusted.
     */
    public void close() {
        appendLock.lock();
        try {
            acceptingAppends = false;
        } finally {
            appendLock.unlock();
        }
        drain();
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            PartitionOfflineException down = offline;
            for (LogSegment segment : segments.values()) {
                if (segment == active && down == null) {
                    try {
                        segment.closeClean();
                    } catch (StorageException e) {
                        segment.close();
                        down = goOffline("the force at close failed", e);
                    }
                } else {
                    segment.close();
                }
            }
            if (down != null) {
                throw down;
            }
            writeRecoveryPoint(logEndOffset);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog[" + topicPartition + ", " + startOffset() + ".." + endOffset() + "]";
    }
}
