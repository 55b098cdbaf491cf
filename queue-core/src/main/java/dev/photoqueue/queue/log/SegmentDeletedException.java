package dev.photoqueue.queue.log;

/** A read raced with retention deleting the segment; the partition answers with the new start offset. */
final class SegmentDeletedException extends RuntimeException {

    SegmentDeletedException(long baseOffset) {
        super("segment " + baseOffset + " was deleted by retention during the read", null, false, false);
    }
}
