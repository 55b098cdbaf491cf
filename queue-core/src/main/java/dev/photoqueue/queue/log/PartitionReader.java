package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The read path of one partition: fetches by offset and lookups by timestamp, from the segment
 * map down to the batches in a segment's file.
 *
 * <p>Guarantees: a read never returns a record at or past the high watermark, nor reads a byte past
 * its position, so it sees only what the group commit has acknowledged. Every batch is checked
 * (length, CRC, offset sequence) by {@link BatchScanner} before a record of it is decoded; one that
 * fails is reported as {@link CorruptRecordException} naming file, position and offset, never
 * skipped. A segment that retention deletes under a read ends that read with
 * {@link OffsetOutOfRangeException}, as a read that came a moment later would.
 *
 * <p>Thread-safe and lock-free: it reads the published high watermark once per call and the
 * segment map, which retention only shrinks from the front.
 */
final class PartitionReader {

    /**
     * How much of the file one system call reads for a read that is bounded by a record count, and
     * for a lookup by time, which stops at its first match.
     */
    private static final int RECORD_BOUNDED_SPAN_BYTES = 64 << 10;

    private final TopicPartition topicPartition;
    private final int maxBatchBytes;
    private final PartitionSegments segments;

    PartitionReader(LogConfig config, PartitionSegments segments) {
        this.topicPartition = segments.topicPartition();
        this.maxBatchBytes = config.maxBatchBytes();
        this.segments = segments;
    }

    /** See {@link PartitionLog#read(long, int, int, PartitionLog.Fetch)}. */
    PartitionLog.Fetch read(long offset, int maxBytes, int maxRecords, PartitionLog.Fetch previous) {
        if (segments.closed()) {
            throw new QueueClosedException("partition " + topicPartition);
        }
        HighWatermark hw = segments.highWatermark();
        long start = segments.startOffset();
        if (offset < start || offset > hw.offset()) {
            throw new OffsetOutOfRangeException(topicPartition, offset, start, hw.offset());
        }
        if (offset == hw.offset()) {
            return new PartitionLog.Fetch(List.of(), offset, -1, -1);
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floor(offset);
            while (entry != null) {
                LogSegment segment = entry.getValue();
                if (segment.baseOffset() > hw.segment().baseOffset()) {
                    break;
                }
                long hint = previous != null && previous.nextOffset() == offset
                        && previous.segmentBaseOffset() == segment.baseOffset() ? previous.nextPosition() : -1;
                List<ConsumerRecord> out = new ArrayList<>();
                long next = read(segment, offset, hint, hw.endIn(segment), maxBytes, maxRecords, out);
                if (!out.isEmpty()) {
                    return new PartitionLog.Fetch(out, out.get(out.size() - 1).offset() + 1, segment.baseOffset(),
                            next);
                }
                entry = segments.after(entry.getKey());
            }
            return new PartitionLog.Fetch(List.of(), offset, -1, -1);
        } catch (SegmentDeletedException e) {
            throw new OffsetOutOfRangeException(topicPartition, offset, segments.startOffset(),
                    segments.highWatermark().offset());
        }
    }

    /** The first record at or after {@code timestamp} (epoch millis), or null when all are older. */
    OffsetAndTimestamp offsetForTimestamp(long timestamp) {
        HighWatermark hw = segments.highWatermark();
        try {
            for (LogSegment segment : segments.all()) {
                if (segment.baseOffset() > hw.segment().baseOffset()) {
                    break;
                }
                if (segment.maxTimestamp() < timestamp) {
                    continue;
                }
                OffsetAndTimestamp found = findByTimestamp(segment, timestamp, hw.endIn(segment));
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
     * Reads records of {@code segment} with offset >= {@code minOffset} from the batch at
     * {@code startPosition} (an index position or a remembered one) until about {@code maxBytes} are
     * read or {@code out} holds at least {@code maxRecords}, never past {@code endPosition}. At least
     * one whole batch is returned when there is one.
     *
     * @return the file position after the last batch read
     */
    private long read(LogSegment segment, long minOffset, long startPosition, long endPosition, int maxBytes,
                      int maxRecords, List<ConsumerRecord> out) {
        // A remembered position is where the batch holding minOffset starts; an index entry names its batch's offset.
        OffsetIndex.Entry from = startPosition >= 0 ? new OffsetIndex.Entry(minOffset, (int) startPosition)
                : segment.offsetIndex().floorEntry(minOffset);
        long start = from.position();
        if (start >= endPosition) {
            return start;
        }
        try {
            // A read bounded by records stops long before maxBytes as a rule: reading the file in
            // smaller spans keeps it from copying a megabyte to decode a few hundred records.
            int span = maxRecords == Integer.MAX_VALUE ? maxBytes : Math.min(maxBytes, RECORD_BOUNDED_SPAN_BYTES);
            BatchScanner scanner = new BatchScanner(segment.file(), start, endPosition, span, maxBatchBytes);
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
                    try {
                        batch.decode(topicPartition.topic(), topicPartition.partition(), minOffset, out);
                    } catch (IllegalStateException e) {
                        throw corrupt(segment, scanner.position(), batch.baseOffset(), e.getMessage());
                    }
                }
            }
            if (scanner.stopReason() != null) {
                throw corrupt(segment, scanner.stopPosition(), expected, scanner.stopReason());
            }
            return scanner.validEnd();
        } catch (ClosedChannelException e) {
            throw new SegmentDeletedException(segment.baseOffset());
        } catch (IOException e) {
            throw new StorageException(segment.logFile().toString(), "read at " + start + " from", e);
        }
    }

    /**
     * The first record of {@code segment} with timestamp >= {@code timestamp} within its first
     * {@code endPosition} bytes, or null when there is none.
     */
    private OffsetAndTimestamp findByTimestamp(LogSegment segment, long timestamp, long endPosition) {
        long after = segment.timeIndex().offsetBefore(timestamp);
        long from = after < 0 ? segment.baseOffset() : after + 1;
        OffsetIndex.Entry entry = segment.offsetIndex().floorEntry(from);
        try {
            BatchScanner scanner = new BatchScanner(segment.file(), entry.position(), endPosition,
                    RECORD_BOUNDED_SPAN_BYTES, maxBatchBytes);
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
                    throw corrupt(segment, scanner.position(), batch.baseOffset(), e.getMessage());
                }
            }
            if (scanner.stopReason() != null) {
                throw corrupt(segment, scanner.stopPosition(), expected, scanner.stopReason());
            }
            return null;
        } catch (ClosedChannelException e) {
            throw new SegmentDeletedException(segment.baseOffset());
        } catch (IOException e) {
            throw new StorageException(segment.logFile().toString(), "search by time in", e);
        }
    }

    private static CorruptRecordException corrupt(LogSegment segment, long position, long offset, String reason) {
        return new CorruptRecordException(segment.logFile().toString(), position, offset, reason);
    }
}
