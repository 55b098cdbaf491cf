package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
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
import java.util.List;

/**
 * One segment of a partition: {@code <baseOffset>.log} with its {@code .index} and
 * {@code .timeindex}. Batches are only ever appended at the end; a segment is either active (the
 * partition's last, taking appends) or sealed (immutable, indexes trimmed).
 *
 * <p>Thread rule: one writer at a time (the partition's write lock) calls {@link #append},
 * {@link #seal}, {@link #recover}; readers call {@link #read} concurrently and never look past the
 * size the partition publishes as its high watermark.
 */
final class LogSegment {

    /** How much of the file one system call reads for a read that is bounded by a record count. */
    private static final int RECORD_BOUNDED_SPAN_BYTES = 64 << 10;

    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);
    private static final int SCAN_BUFFER_BYTES = 1 << 20;

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
     * Opens an existing segment. A sealed one trusts its indexes if they are consistent with the
     * file and {@code nextOffset} and rebuilds them otherwise; the active one is {@link #recover}ed by
     * the caller, or its tail is checked with {@link #tailIsClean}.
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
            LOG.error("cannot cut {} back to {} bytes after a failed write: {}", logFile, position, e.toString());
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

    /**
     * Reads records with offset >= {@code minOffset} from the batch at {@code startPosition} (an index
     * position or a remembered one) until about {@code maxBytes} are read or {@code out} holds at
     * least {@code maxRecords}, never past {@code endPosition}. At least one whole batch is returned
     * when there is one.
     *
     * @return the file position after the last batch read
     */
    long read(String topic, int partition, long minOffset, long startPosition, long endPosition, int maxBytes,
              int maxRecords, List<ConsumerRecord> out) {
        // A remembered position is where the batch holding minOffset starts; an index entry names its batch's offset.
        OffsetIndex.Entry from = startPosition >= 0 ? new OffsetIndex.Entry(minOffset, (int) startPosition)
                : offsetIndex.floorEntry(minOffset);
        long start = from.position();
        if (start >= endPosition) {
            return start;
        }
        try {
            // A read bounded by records stops long before maxBytes as a rule: reading the file in
            // smaller spans keeps it from copying a megabyte to decode a few hundred records.
            int span = maxRecords == Integer.MAX_VALUE ? maxBytes : Math.min(maxBytes, RECORD_BOUNDED_SPAN_BYTES);
            BatchScanner scanner = new BatchScanner(channel, start, endPosition, span, config.maxBatchBytes());
            long readBytes = 0;
            // baseOffset is outside the CRC: each batch must start where the one before ended.
            long expected = from.offset();
            RecordBatch batch;
            while (readBytes < maxBytes && out.size() < maxRecords && (batch = scanner.next(expected)) != null) {
                expected = batch.lastOffset() + 1;
                if (batch.lastOffset() >= minOffset) {
                    // Only batches returned count: those skipped on the way from the index entry must not
                    // end the read before it reaches minOffset.
                    readBytes += batch.sizeInBytes();
                    decode(batch, topic, partition, minOffset, scanner.position(), out);
                }
            }
            if (scanner.stopReason() != null) {
                throw new CorruptRecordException(logFile.toString(), scanner.stopPosition(), expected,
                        scanner.stopReason());
            }
            return scanner.validEnd();
        } catch (ClosedChannelException e) {
            throw new SegmentDeletedException(baseOffset);
        } catch (IOException e) {
            throw new StorageException(logFile.toString(), "read at " + start + " from", e);
        }
    }

    private void decode(RecordBatch batch, String topic, int partition, long minOffset, long position,
                        List<ConsumerRecord> out) {
        try {
            batch.decode(topic, partition, minOffset, out);
        } catch (IllegalStateException e) {
            throw new CorruptRecordException(logFile.toString(), position, batch.baseOffset(), e.getMessage());
        }
    }

    /**
     * The first record with timestamp >= {@code timestamp} within the first {@code endPosition}
     * bytes, or null when there is none.
     */
    OffsetAndTimestamp findByTimestamp(long timestamp, long endPosition) {
        long after = timeIndex.offsetBefore(timestamp);
        long from = after < 0 ? baseOffset : after + 1;
        OffsetIndex.Entry entry = offsetIndex.floorEntry(from);
        try {
            BatchScanner scanner = new BatchScanner(channel, entry.position(), endPosition, 64 << 10,
                    config.maxBatchBytes());
            long expected = entry.offset();
            RecordBatch batch;
            while ((batch = scanner.next(expected)) != null) {
                expected = batch.lastOffset() + 1;
                if (batch.maxTimestamp() < timestamp || batch.lastOffset() < from) {
                    continue;
                }
                try {
                    OffsetAndTimestamp found = batch.firstAtOrAfter(from, timestamp);
                    if (found != null) {
                        return found;
                    }
                } catch (IllegalStateException e) {
                    throw new CorruptRecordException(logFile.toString(), scanner.position(), batch.baseOffset(),
                            e.getMessage());
                }
            }
            if (scanner.stopReason() != null) {
                throw new CorruptRecordException(logFile.toString(), scanner.stopPosition(), expected,
                        scanner.stopReason());
            }
            return null;
        } catch (ClosedChannelException e) {
            throw new SegmentDeletedException(baseOffset);
        } catch (IOException e) {
            throw new StorageException(logFile.toString(), "search by time in", e);
        }
    }

    /**
     * Checks every batch from the start, rebuilds both indexes, and cuts the file after the last
     * valid batch when {@code truncate} is set. Sets size, next offset and max timestamp from what
     * was found. Returns a description of what was cut or found invalid, or null when all was valid.
     */
    String recover(boolean truncate) {
        offsetIndex.reset();
        timeIndex.reset();
        bytesSinceLastIndexEntry = 0;
        maxTimestamp = -1;
        firstTimestamp = -1;
        nextOffset = baseOffset;
        long fileSize;
        try {
            fileSize = channel.size();
            BatchScanner scanner = new BatchScanner(channel, 0, fileSize, SCAN_BUFFER_BYTES, config.maxBatchBytes());
            size = 0;
            RecordBatch batch;
            while ((batch = scanner.next(nextOffset)) != null) {
                if (firstTimestamp < 0) {
                    firstTimestamp = batch.firstTimestamp();
                }
                track(batch.baseOffset(), batch.lastOffset(), scanner.position(), batch.sizeInBytes(),
                        batch.maxTimestamp());
            }
            long validEnd = scanner.validEnd();
            if (validEnd == fileSize) {
                if (truncate) {
                    // What a crashed process wrote may still be only in the OS's cache: it becomes
                    // readable now, so it must be as durable as what is written from now on.
                    channel.force(true);
                }
                return null;
            }
            String what = "offset " + nextOffset + " at byte " + validEnd + ": " + scanner.stopReason();
            if (truncate) {
                channel.truncate(validEnd);
                channel.force(true);
                return "cut " + (fileSize - validEnd) + " bytes from " + logFile + " at " + what;
            }
            return "invalid data in " + logFile + " at " + what;
        } catch (IOException e) {
            throw new StorageException(logFile.toString(), "recover", e);
        }
    }

    /**
     * After a clean shutdown: true when the bytes after the last index entry are whole, valid
     * batches up to the end of the file, no index entry is missing among them (a missing or
     * truncated index file has fewer), and both indexes agree with the file; sets the next offset
     * and max timestamp on the way. False means the caller must {@link #recover}.
     */
    boolean tailIsClean() {
        try {
            long fileSize = channel.size();
            // A non-empty segment's time index holds at least the entry written when it was closed;
            // without it the segment's max timestamp would be taken from the tail alone.
            if (fileSize > 0 && timeIndex.entries() == 0) {
                return false;
            }
            int entries = offsetIndex.entries();
            long startOffset = entries == 0 ? baseOffset : offsetIndex.lastOffset();
            long startPosition = entries == 0 ? 0 : offsetIndex.lookup(startOffset);
            if (startPosition < 0 || startPosition > fileSize) {
                return false; // a garbage entry; the consistency checks below would catch it only after the scan
            }
            BatchScanner scanner = new BatchScanner(channel, startPosition, fileSize, SCAN_BUFFER_BYTES,
                    config.maxBatchBytes());
            long expected = startOffset;
            long max = timeIndex.lastTimestamp();
            long first = -1;
            long bytesAfterEntry = 0;
            RecordBatch batch;
            while ((batch = scanner.next(expected)) != null) {
                if (bytesAfterEntry >= config.indexIntervalBytes()) {
                    return false; // this batch should have an index entry: the index lost its last entries
                }
                if (first < 0 && scanner.position() == 0) {
                    first = batch.firstTimestamp();
                }
                expected = batch.lastOffset() + 1;
                max = Math.max(max, batch.maxTimestamp());
                bytesAfterEntry += batch.sizeInBytes();
            }
            if (scanner.validEnd() != fileSize
                    || !offsetIndex.isConsistentWith(fileSize, expected)
                    || !timeIndex.isConsistentWith(fileSize, expected)) {
                return false;
            }
            nextOffset = expected;
            maxTimestamp = max;
            size = fileSize;
            bytesSinceLastIndexEntry = (int) Math.min(Integer.MAX_VALUE, bytesAfterEntry);
            firstTimestamp = first >= 0 ? first : readFirstTimestamp();
            return true;
        } catch (IOException e) {
            throw new StorageException(logFile.toString(), "check the tail of", e);
        }
    }

    /**
     * For a sealed segment after a restart: keeps its indexes when its tail checks out as in
     * {@link #tailIsClean} and ends at {@code next}, rebuilding both from the file otherwise.
     */
    void openSealed(long next) {
        long fileSize = size;
        // A consistent time index knows the newest timestamp even when the batch holding it is damaged.
        long indexedMax = timeIndex.isConsistentWith(fileSize, next) ? timeIndex.lastTimestamp() : -1;
        if (tailIsClean() && nextOffset == next) {
            return;
        }
        LOG.warn("rebuilding the indexes of {}: they do not match the log file", logFile);
        String problem = recover(false);
        if (problem != null) {
            LOG.warn("sealed segment has {}; reads at that point report it as corrupt", problem);
            // Lookups by time must not skip this segment for records the rebuild could not read.
            maxTimestamp = Math.max(maxTimestamp, indexedMax);
        }
        nextOffset = Math.max(nextOffset, next);
        // Readers must meet the bad batch and be told, not silently skip what follows it.
        size = fileSize;
        seal();
    }

    private long readFirstTimestamp() throws IOException {
        if (channel.size() < RecordBatches.HEADER_SIZE) {
            return -1;
        }
        ByteBuffer header = ByteBuffer.allocate(RecordBatches.HEADER_SIZE);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) {
                return -1;
            }
        }
        return header.getLong(RecordBatches.FIRST_TIMESTAMP_POS);
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

    /** For a clean shutdown of the active segment: force everything and cut the indexes to size. */
    void closeClean() {
        seal();
        close();
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
