package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.PartitionOfflineException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The segments of one partition and the state that the write path, the read path and retention
 * share: the map readers look in, the active segment, the published high watermark, how far the
 * log is forced, and whether the partition is closed or offline.
 *
 * <p>Guarantees, each a commit point published only after what it depends on:
 * <ul>
 * <li>a roll: the old segment is forced (sealed), the new file's directory entry is forced, then
 *     the recovery point is written atomically (temp file, force, rename, force the directory);</li>
 * <li>{@link #flushedOffset} moves only after the force that covers it returned;</li>
 * <li>a deleted segment leaves the map readers look in first, then its files are unlinked; a
 *     crash in between leaves files that the next open reads as part of the log again (the same
 *     records, deleted again by the next retention run);</li>
 * <li>once offline, always offline until the partition is reopened: the first storage failure
 *     that leaves the files' state unknown is kept and every later write fails with it.</li>
 * </ul>
 *
 * <p>Thread rule: the segment list changes (roll, delete, close) only under {@link #writeLock},
 * which the group commit holds while it writes a batch; readers use the map and the high
 * watermark without a lock.
 */
final class PartitionSegments {

    /** Logs as the partition, so log settings for {@link PartitionLog} still apply. */
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

    private final TopicPartition topicPartition;
    private final Path dir;
    private final LogConfig config;
    private final LogContext context;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    /** Held while a batch goes to the file and while the segment list changes. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile LogSegment active;
    private volatile HighWatermark highWatermark;
    private volatile boolean closed;
    /** Set once, by the first storage failure that leaves the files' state unknown. */
    private volatile PartitionOfflineException offline;
    /** Every offset below is forced to disk. Only grows. */
    private final AtomicLong flushedOffset = new AtomicLong();

    PartitionSegments(TopicPartition topicPartition, Path dir, LogConfig config, LogContext context,
                      ConcurrentSkipListMap<Long, LogSegment> segments, long recoveredEndOffset) {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.context = context;
        this.segments = segments;
        this.active = segments.lastEntry().getValue();
        this.flushedOffset.set(recoveredEndOffset);
        this.highWatermark = new HighWatermark(recoveredEndOffset, active, active.size());
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    /** The first offset still stored (retention moves it forward). */
    long startOffset() {
        return segments.firstKey();
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /** See {@link PartitionLog#bytesFrom}. */
    long bytesFrom(long offset) {
        if (offset >= highWatermark.offset()) {
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

    int count() {
        return segments.size();
    }

    /** Every segment, oldest first; a live view that retention may shrink meanwhile. */
    Collection<LogSegment> all() {
        return segments.values();
    }

    /** The segment holding {@code offset}, by base offset; null before the first. */
    Map.Entry<Long, LogSegment> floor(long offset) {
        return segments.floorEntry(offset);
    }

    /** The segment after the one based at {@code baseOffset}; null after the last. */
    Map.Entry<Long, LogSegment> after(long baseOffset) {
        return segments.higherEntry(baseOffset);
    }

    LogSegment active() {
        return active;
    }

    HighWatermark highWatermark() {
        return highWatermark;
    }

    /** The commit point of a batch: from now on readers see up to {@code hw}. Writer only. */
    void publish(HighWatermark hw) {
        highWatermark = hw;
    }

    boolean closed() {
        return closed;
    }

    /** Every offset below this is forced to disk. */
    long flushedOffset() {
        return flushedOffset.get();
    }

    /** After a force that covered every offset below {@code offset} returned. */
    void markFlushed(long offset) {
        flushedOffset.accumulateAndGet(offset, Math::max);
    }

    /** Null while the partition takes writes; the reason it stopped once it went offline. */
    PartitionOfflineException offline() {
        return offline;
    }

    /** Takes the partition offline once, for good until reopened; returns the exception sends now fail with. */
    PartitionOfflineException goOffline(String reason, Throwable cause) {
        PartitionOfflineException down = new PartitionOfflineException(topicPartition, reason + ": "
                + cause.getMessage(), cause);
        synchronized (this) {
            if (offline == null) {
                offline = down;
                LOG.error("{}; reopening it checks what is on disk", down.getMessage());
            }
            return offline;
        }
    }

    /**
     * Before a batch of {@code batchBytes} and {@code recordCount} records goes to the file at
     * {@code logEndOffset}: starts a new segment when the active one is full, old, out of index
     * room or would overflow its offset range. Under the write lock.
     */
    void rollIfDue(int batchBytes, int recordCount, long logEndOffset) {
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
            roll(reason, logEndOffset);
        }
    }

    private void roll(String reason, long logEndOffset) {
        LogSegment old = active;
        old.seal();
        LogSegment next = LogSegment.create(context.files(), dir, logEndOffset, config);
        segments.put(next.baseOffset(), next);
        active = next;
        markFlushed(logEndOffset);
        writeRecoveryPoint(logEndOffset);
        LOG.debug("rolled {} to a new segment at offset {} ({})", topicPartition, logEndOffset, reason);
    }

    private void writeRecoveryPoint(long offset) {
        LogFiles.writeAtomically(context.files(), dir.resolve(LogFiles.RECOVERY_POINT), Long.toString(offset));
    }

    /** Removes a sealed segment from the map, then unlinks its files. Under the write lock. */
    void delete(LogSegment segment, String reason) {
        segments.remove(segment.baseOffset());
        segment.deleteFiles();
        // Readers that fetched this segment a moment ago may still be reading its open file.
        context.closeLater(segment::close);
        LOG.info("deleted segment {} of {} ({}); log now starts at offset {}", segment.baseOffset(), topicPartition,
                reason, startOffset());
    }

    /**
     * Closes every segment, the active one cleanly (forced, indexes trimmed), and records
     * {@code logEndOffset} as the recovery point. An offline partition only closes its files and
     * throws its {@link PartitionOfflineException}: it writes no recovery point, so that the next
     * open checks everything after the last one it trusted. Under the write lock, after the last
     * batch was written; a second call does nothing.
     *
     * @return empty once the recovery point names {@code logEndOffset}; else why it, or the active
     *         segment's final index entries before it, could not be written (a full disk has no
     *         page for them). Every byte is forced all the same: the next open, not marked clean,
     *         checks the active segment and rebuilds its indexes, so this is no failure.
     */
    Optional<StorageException> close(long logEndOffset) {
        if (closed) {
            return Optional.empty();
        }
        closed = true;
        PartitionOfflineException down = offline;
        Optional<StorageException> unindexed = Optional.empty();
        for (LogSegment segment : segments.values()) {
            if (segment == active && down == null) {
                try {
                    unindexed = segment.closeClean();
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
        if (unindexed.isPresent()) {
            return unindexed;
        }
        try {
            writeRecoveryPoint(logEndOffset);
            return Optional.empty();
        } catch (StorageException e) {
            return Optional.of(e);
        }
    }
}
