package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One segment of a partition: {@code <baseOffset>.log} with its {@code .index} and
 * {@code .timeindex}. Batches are only ever appended at the end; a segment is either active (the
 * partition's last, taking appends) or sealed (immutable, indexes trimmed).
 *
 * <p>Thread rule: one writer at a time (the partition's write lock) calls {@link #append} and
 * {@link #seal}; {@link SegmentRecovery} changes it only before the partition opens; readers
 * ({@link PartitionReader}) read the file concurrently and never look past the size the partition
 * publishes as its high watermark.
 */
final class LogSegment {

    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

    private final long baseOffset;
    private final FileIO io;
    private final Path logFile;
    private final LogConfig config;
    private final FileHandle channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;

    /** Bytes of whole batches in the file. Written by the writer only. */
    private volatile long size;
    private volatile long maxTimestamp = -1;
    /** The offset after the last batch. */
    private volatile long nextOffset;
    /**
     * When the segment took its first batch, by the log's clock: what its age for rolling counts
     * from; -1 while empty. A reopened segment does not know that time and takes its first record's
     * timestamp instead.
     */
    private long firstTimestamp = -1;
    private int bytesSinceLastIndexEntry;
    /** An index entry could not be written (logged once per segment). */
    private boolean indexWriteFailed;

    private LogSegment(FileIO io, Path dir, long baseOffset, LogConfig config, boolean active) {
        this.io = io;
        this.baseOffset = baseOffset;
        this.config = config;
        String name = LogFiles.segmentName(baseOffset);
        this.logFile = dir.resolve(name + LogFiles.LOG_SUFFIX);
        try {
            this.channel = io.open(logFile, OpenMode.READ_WRITE);
        } catch (IOException e) {
            throw new StorageException(logFile.toString(), "open segment", e);
        }
        try {
            this.size = channel.size();
            this.offsetIndex = new OffsetIndex(io, dir.resolve(name + LogFiles.INDEX_SUFFIX), baseOffset,
                    config.maxIndexBytes(), active);
            this.timeIndex = new TimeIndex(io, dir.resolve(name + LogFiles.TIME_INDEX_SUFFIX), baseOffset,
                    config.maxIndexBytes() / OffsetIndex.ENTRY_SIZE * TimeIndex.ENTRY_SIZE, active);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e instanceof StorageException se ? se : new StorageException(logFile.toString(), "open segment", e);
        }
        this.nextOffset = baseOffset;
    }

    private static void closeQuietly(FileHandle handle) {
        try {
            handle.close();
        } catch (IOException suppressed) {
            // already failing with the error that matters
        }
    }

    /** A new, empty active segment, its directory entry forced. */
    static LogSegment create(FileIO io, Path dir, long baseOffset, LogConfig config) {
        LogSegment segment = new LogSegment(io, dir, baseOffset, config, true);
        try {
            if (segment.size != 0) {
                throw new StorageException(segment.logFile.toString(), "create segment",
                        new IOException("file exists with " + segment.size + " bytes"));
            }
            LogFiles.forceDirectory(io, dir);
        } catch (RuntimeException e) {
            segment.close();
            throw e;
        }
        return segment;
    }

    /**
     * Opens an existing segment with its files as they are. The caller then checks it with
     * {@link SegmentRecovery}: a sealed one keeps its indexes if they are consistent with the file
     * and rebuilds them otherwise, the active one is recovered or has its tail checked.
     */
    static LogSegment open(FileIO io, Path dir, long baseOffset, LogConfig config, boolean active) {
        return new LogSegment(io, dir, baseOffset, config, active);
    }

    long baseOffset() {
        return baseOffset;
    }

    long size() {
        return size;
    }

    long nextOffset() {
        return nextOffset;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long firstTimestamp() {
        return firstTimestamp;
    }

    Path logFile() {
        return logFile;
    }

    boolean indexFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    /**
     * Writes one finished batch at the end of the file and indexes it. Not visible to readers until
     * the partition publishes the new high watermark. On failure the file is cut back to where it
     * was and {@link AppendFailedException} says whether that cut succeeded.
     */
    void append(ByteBuffer batch, long batchBaseOffset, int recordCount, long nowMillis, long batchMaxTimestamp) {
        long position = size;
        int bytes = batch.remaining();
        try {
            channel.writeFully(batch, position);
        } catch (IOException e) {
            StorageException failure = new StorageException(logFile.toString(),
                    "append " + bytes + " bytes at " + position + " to", e);
            throw new AppendFailedException(failure, cutBackTo(position, failure));
        }
        if (firstTimestamp < 0) {
            firstTimestamp = nowMillis;
        }
        track(batchBaseOffset, batchBaseOffset + recordCount - 1, position, bytes, batchMaxTimestamp);
    }

    /**
     * Indexes a batch that is in the file at {@code position} (just written, or found by recovery)
     * and moves the segment's extent past it. Size is set last: it is what readers go by.
     */
    private void track(long batchBaseOffset, long lastOffset, long position, int bytes, long batchMaxTimestamp) {
        long newMax = Math.max(maxTimestamp, batchMaxTimestamp);
        if (bytesSinceLastIndexEntry >= config.indexIntervalBytes() && !indexFull()) {
            try {
                offsetIndex.append(batchBaseOffset, (int) position);
                timeIndex.maybeAppend(newMax, lastOffset);
                bytesSinceLastIndexEntry = 0;
            } catch (StorageException e) {
                // An index is a sparse cache: without room for its next page (a full disk) the entry
                // waits for a later batch, and a reopen rebuilds what is missing.
                if (!indexWriteFailed) {
                    LOG.warn("index entry for offset {} of {} not written, lookups scan further until one is: {}",
                            batchBaseOffset, logFile, e.getMessage());
                }
                indexWriteFailed = true;
            }
        }
        bytesSinceLastIndexEntry += bytes;
        maxTimestamp = newMax;
        nextOffset = lastOffset + 1;
        size = position + bytes;
    }

    /**
     * Cuts the file back to {@code position}, the end of its last whole batch, after a write or
     * force that failed; true when the cut succeeded. Until then the bytes after it are no batch
     * any reader may see: readers never look past {@link #size}.
     */
    boolean cutBackTo(long position, Exception failure) {
        try {
            channel.truncate(position);
            return true;
        } catch (IOException e) {
            failure.addSuppressed(e);
            LOG.error("cannot cut {} back to {} bytes after a failed write: {}", logFile, position,
                    StorageException.reason(logFile.toString(), e));
            return false;
        }
    }

    /** Forces the file's bytes (not its indexes: those are rebuilt after a crash) to disk. */
    void flush() {
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            // deleted by retention meanwhile: nothing left to force
        } catch (IOException e) {
            throw new StorageException(logFile.toString(), "force", e);
        }
    }

    /** Makes the segment immutable: final time index entry, indexes cut to size, everything forced. */
    void seal() {
        flush();
        finishIndexes();
    }

    /** The final time index entry, then both indexes cut to their entries. */
    private void finishIndexes() {
        if (nextOffset > baseOffset) {
            timeIndex.maybeAppend(maxTimestamp, nextOffset - 1);
        }
        offsetIndex.trim();
        timeIndex.trim();
    }

    /** The file position of the last indexed batch at or before {@code offset}; 0 when none is indexed. */
    long indexedPosition(long offset) {
        return offsetIndex.lookup(offset);
    }

    // ------------------------------------------------------------------ for the read path and recovery

    /** The log file, read by {@link PartitionReader} and {@link SegmentRecovery} through a {@link BatchScanner}. */
    FileHandle file() {
        return channel;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    LogConfig config() {
        return config;
    }

    /** For recovery: forgets the indexes and the extent, to rebuild both batch by batch ({@link #trackRecovered}). */
    void clearForRebuild() {
        offsetIndex.reset();
        timeIndex.reset();
        bytesSinceLastIndexEntry = 0;
        maxTimestamp = -1;
        firstTimestamp = -1;
        nextOffset = baseOffset;
        size = 0;
    }

    /** For recovery: indexes a valid batch found at {@code position}; the first one found dates the segment. */
    void trackRecovered(RecordBatch batch, long position) {
        if (firstTimestamp < 0) {
            firstTimestamp = batch.firstTimestamp();
        }
        track(batch.baseOffset(), batch.lastOffset(), position, batch.sizeInBytes(), batch.maxTimestamp());
    }

    /** For recovery: takes the extent that a check of the file's tail against the indexes found. */
    void restore(long fileSize, long next, long newestTimestamp, long oldestTimestamp, int bytesAfterIndexEntry) {
        nextOffset = next;
        maxTimestamp = newestTimestamp;
        size = fileSize;
        bytesSinceLastIndexEntry = bytesAfterIndexEntry;
        firstTimestamp = oldestTimestamp;
    }

    /**
     * For recovery of a sealed segment whose rebuild stopped at damaged bytes: readers are to read
     * up to {@code fileSize}, to meet the damage and be told, and lookups by time to count on
     * {@code newestTimestamp}.
     */
    void widen(long fileSize, long next, long newestTimestamp) {
        maxTimestamp = newestTimestamp;
        nextOffset = next;
        size = fileSize;
    }

    /** Seals nothing: closes the file and indexes as they are (a clean shutdown trims the indexes first). */
    void close() {
        try {
            offsetIndex.close();
            timeIndex.close();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                throw new StorageException(logFile.toString(), "close", e);
            }
        }
    }

    /**
     * For a clean shutdown of the active segment: forces its bytes, finishes the indexes as
     * {@link #seal} does, and closes. A failed force throws. Indexes that cannot be finished (on a
     * full disk the final time index entry may need a page there is no room for) do not: every
     * record is forced, and a recovery rebuilds the indexes, so the segment is closed all the same
     * and the failure returned; the caller must then not mark the shutdown clean.
     *
     * @return empty once the indexes are finished, else why they are not
     */
    Optional<StorageException> closeClean() {
        flush();
        Optional<StorageException> unfinished = Optional.empty();
        try {
            finishIndexes();
        } catch (StorageException e) {
            unfinished = Optional.of(e);
        }
        close();
        return unfinished;
    }

    /** Unlinks the files; an open channel keeps serving readers that already hold it until {@link #close}. */
    void deleteFiles() {
        try {
            io.deleteIfExists(logFile);
        } catch (IOException e) {
            throw new StorageException(logFile.toString(), "delete", e);
        }
        offsetIndex.delete();
        timeIndex.delete();
    }

    @Override
    public String toString() {
        return logFile.toString();
    }
}
