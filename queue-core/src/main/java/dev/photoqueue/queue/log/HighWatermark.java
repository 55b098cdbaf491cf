package dev.photoqueue.queue.log;

/**
 * What readers of a partition may see: offsets below {@code offset}, and no byte at or past
 * {@code position} of {@code segment}, the last segment they may read. Published as a whole by
 * the group commit after the write (and force) it covers, so a reader never pairs an offset with
 * a position of another moment.
 */
record HighWatermark(long offset, LogSegment segment, long position) {

    /** How far a reader may read in {@code s}: its whole size unless it is the watermark's segment. */
    long endIn(LogSegment s) {
        return s == segment ? position : s.size();
    }
}
