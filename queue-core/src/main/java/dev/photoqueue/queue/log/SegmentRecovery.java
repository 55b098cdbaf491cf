package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.env.FileHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a segment file found at open against its indexes and brings the segment's extent (size,
 * next offset, timestamps) and indexes in line with the batches the file really holds.
 *
 * <p>Guarantees: after {@link #recover} the segment ends after its last valid batch and both
 * indexes are rebuilt from the file; with {@code truncate} the bytes after that batch are cut off
 * and the file is forced, so what readers see from now on is on disk. {@link #tailIsClean} changes
 * nothing unless it returns true. Nothing is ever cut from a sealed segment opened with
 * {@link #openSealed}: its damaged bytes stay where readers meet them and are told.
 *
 * <p>Not thread-safe: runs while a partition is loaded, before any reader or writer exists.
 */
final class SegmentRecovery {

    /** Logs as the segment, so log settings for {@link LogSegment} still apply. */
    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);
    private static final int SCAN_BUFFER_BYTES = 1 << 20;

    /**
     * What a check found after the last valid batch of {@code file}: the batch expected at
     * {@code nextOffset}, byte {@code validEnd}, was missing or invalid for {@code reason}, and the
     * {@code fileSize - validEnd} bytes from there were cut off ({@code cut}) or left in place.
     */
    record InvalidTail(Path file, long nextOffset, long validEnd, long fileSize, String reason, boolean cut) {

        /** One line for the log, naming file, offset, byte and how many bytes were cut. */
        String describe() {
            String what = "offset " + nextOffset + " at byte " + validEnd + ": " + reason;
            return cut ? "cut " + (fileSize - validEnd) + " bytes from " + file + " at " + what
                    : "invalid data in " + file + " at " + what;
        }
    }

    private SegmentRecovery() {
    }

    /**
     * Checks every batch from the start, rebuilds both indexes, and cuts the file after the last
     * valid batch when {@code truncate} is set. Sets size, next offset and timestamps from what was
     * found. Empty when every byte of the file belongs to a valid batch.
     */
    static Optional<InvalidTail> recover(LogSegment segment, boolean truncate) {
        segment.clearForRebuild();
        FileHandle file = segment.file();
        try {
            long fileSize = file.size();
            BatchScanner scanner = new BatchScanner(file, 0, fileSize, SCAN_BUFFER_BYTES,
                    segment.config().maxBatchBytes());
            RecordBatch batch;
            while ((batch = scanner.next(segment.nextOffset())) != null) {
                segment.trackRecovered(batch, scanner.position());
            }
            long validEnd = scanner.validEnd();
            if (validEnd == fileSize) {
                if (truncate) {
                    // What a crashed process wrote may still be only in the OS's cache: it becomes
                    // readable now, so it must be as durable as what is written from now on.
                    file.force(true);
                }
                return Optional.empty();
            }
            if (truncate) {
                file.truncate(validEnd);
                file.force(true);
            }
            return Optional.of(new InvalidTail(segment.logFile(), segment.nextOffset(), validEnd, fileSize,
                    scanner.stopReason(), truncate));
        } catch (IOException e) {
            throw new StorageException(segment.logFile().toString(), "recover", e);
        }
    }

    /**
     * After a clean shutdown: true when the bytes after the last index entry are whole, valid
     * batches up to the end of the file, no index entry is missing among them (a missing or
     * truncated index file has fewer), and both indexes agree with the file; then sets the next
     * offset and timestamps. False means the caller must {@link #recover}.
     */
    static boolean tailIsClean(LogSegment segment) {
        FileHandle file = segment.file();
        OffsetIndex offsetIndex = segment.offsetIndex();
        TimeIndex timeIndex = segment.timeIndex();
        try {
            long fileSize = file.size();
            // A non-empty segment's time index holds at least the entry written when it was closed;
            // without it the segment's max timestamp would be taken from the tail alone.
            if (fileSize > 0 && timeIndex.entries() == 0) {
                return false;
            }
            int entries = offsetIndex.entries();
            long startOffset = entries == 0 ? segment.baseOffset() : offsetIndex.lastOffset();
            long startPosition = entries == 0 ? 0 : offsetIndex.lookup(startOffset);
            if (startPosition < 0 || startPosition > fileSize) {
                return false; // a garbage entry; the consistency checks below would catch it only after the scan
            }
            BatchScanner scanner = new BatchScanner(file, startPosition, fileSize, SCAN_BUFFER_BYTES,
                    segment.config().maxBatchBytes());
            long expected = startOffset;
            long max = timeIndex.lastTimestamp();
            long first = -1;
            long bytesAfterEntry = 0;
            RecordBatch batch;
            while ((batch = scanner.next(expected)) != null) {
                if (bytesAfterEntry >= segment.config().indexIntervalBytes()) {
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
            segment.restore(fileSize, expected, max, first >= 0 ? first : readFirstTimestamp(file),
                    (int) Math.min(Integer.MAX_VALUE, bytesAfterEntry));
            return true;
        } catch (IOException e) {
            throw new StorageException(segment.logFile().toString(), "check the tail of", e);
        }
    }

    /**
     * For a sealed segment after a restart: keeps its indexes when its tail checks out as in
     * {@link #tailIsClean} and ends at {@code next}, rebuilding both from the file otherwise.
     */
    static void openSealed(LogSegment segment, long next) {
        long fileSize = segment.size();
        // A consistent time index knows the newest timestamp even when the batch holding it is damaged.
        TimeIndex timeIndex = segment.timeIndex();
        long indexedMax = timeIndex.isConsistentWith(fileSize, next) ? timeIndex.lastTimestamp() : -1;
        if (tailIsClean(segment) && segment.nextOffset() == next) {
            return;
        }
        LOG.warn("rebuilding the indexes of {}: they do not match the log file", segment.logFile());
        Optional<InvalidTail> problem = recover(segment, false);
        long maxTimestamp = segment.maxTimestamp();
        if (problem.isPresent()) {
            LOG.warn("sealed segment has {}; reads at that point report it as corrupt", problem.get().describe());
            // Lookups by time must not skip this segment for records the rebuild could not read.
            maxTimestamp = Math.max(maxTimestamp, indexedMax);
        }
        // Readers must meet the bad batch and be told, not silently skip what follows it.
        segment.widen(fileSize, Math.max(segment.nextOffset(), next), maxTimestamp);
        segment.seal();
    }

    private static long readFirstTimestamp(FileHandle file) throws IOException {
        if (file.size() < RecordBatches.HEADER_SIZE) {
            return -1;
        }
        ByteBuffer header = ByteBuffer.allocate(RecordBatches.HEADER_SIZE);
        while (header.hasRemaining()) {
            if (file.read(header, header.position()) < 0) {
                return -1;
            }
        }
        return header.getLong(RecordBatches.FIRST_TIMESTAMP_POS);
    }
}
