package dev.photoqueue.queue.log;

/**
 * Deletes a partition's old segments: by age ({@code retention.ms}), by size
 * ({@code retention.bytes}) and on its owner's word ({@link #deleteBefore}).
 *
 * <p>Guarantees: only whole sealed segments go, oldest first; the active segment is never
 * deleted, so the end offset never moves back. A segment leaves the map readers look in before
 * its files are unlinked, and its open file stays readable for readers that already hold it.
 *
 * <p>Thread-safe: runs under the segments' write lock, so no batch is written and no segment
 * rolled meanwhile; does nothing once the partition is closed.
 */
final class SegmentRetention {

    private final LogConfig config;
    private final LogContext context;
    private final PartitionSegments segments;

    SegmentRetention(LogConfig config, LogContext context, PartitionSegments segments) {
        this.config = config;
        this.context = context;
        this.segments = segments;
    }

    /** See {@link PartitionLog#applyRetention}; returns how many segments were deleted. */
    int apply() {
        segments.writeLock().lock();
        try {
            if (segments.closed()) {
                return 0;
            }
            return deleteExpired() + deleteOverSize();
        } finally {
            segments.writeLock().unlock();
        }
    }

    private int deleteExpired() {
        if (config.retentionMs() < 0) {
            return 0;
        }
        int deleted = 0;
        long now = context.clock().millis();
        for (LogSegment segment : segments.all()) {
            if (segment == segments.active() || segment.maxTimestamp() >= now - config.retentionMs()) {
                break;
            }
            segments.delete(segment, "retention.ms: newest record at " + segment.maxTimestamp());
            deleted++;
        }
        return deleted;
    }

    private int deleteOverSize() {
        if (config.retentionBytes() < 0) {
            return 0;
        }
        int deleted = 0;
        long size = segments.sizeInBytes();
        for (LogSegment segment : segments.all()) {
            if (segment == segments.active() || size - segment.size() < config.retentionBytes()) {
                break;
            }
            size -= segment.size();
            segments.delete(segment, "retention.bytes: partition at " + (size + segment.size()) + " bytes");
            deleted++;
        }
        return deleted;
    }

    /** See {@link PartitionLog#deleteSegmentsBefore}; returns how many segments were deleted. */
    int deleteBefore(long offset) {
        segments.writeLock().lock();
        try {
            if (segments.closed()) {
                return 0;
            }
            int deleted = 0;
            for (LogSegment segment : segments.all()) {
                if (segment == segments.active() || segment.nextOffset() > offset) {
                    break;
                }
                segments.delete(segment, "records before offset " + offset + " deleted by their owner");
                deleted++;
            }
            return deleted;
        } finally {
            segments.writeLock().unlock();
        }
    }
}
