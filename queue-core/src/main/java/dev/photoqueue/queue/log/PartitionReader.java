package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The read path of one partition: fetches by offset and lookups by timestamp.
 *
 * <p>Guarantees: a read never returns a record at or past the high watermark, nor reads a byte past
 * its position, so it sees only what the group commit has acknowledged. A batch that fails its
 * checks (length, CRC, offset sequence) is reported as {@link CorruptRecordException} naming
 * file, position and offset, never skipped. A segment that retention deletes under a read ends
 * that read with {@link OffsetOutOfRangeException}, as a read that came a moment later would.
 *
 * <p>Thread-safe and lock-free: it reads the published high watermark once per call and the
 * segment map, which retention only shrinks from the front.
 */
final class PartitionReader {

    private final TopicPartition topicPartition;
    private final PartitionSegments segments;

    PartitionReader(PartitionSegments segments) {
        this.topicPartition = segments.topicPartition();
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
                long next = segment.read(topicPartition.topic(), topicPartition.partition(), offset, hint,
                        hw.endIn(segment), maxBytes, maxRecords, out);
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
                OffsetAndTimestamp found = segment.findByTimestamp(timestamp, hw.endIn(segment));
                if (found != null) {
                    return found;
                }
            }
            return null;
        } catch (SegmentDeletedException e) {
            return offsetForTimestamp(timestamp);
        }
    }
}
