package dev.photoqueue.queue.api;

/**
 * A partition's extent: the first offset still stored, the end offset (high watermark: the offset
 * the next record gets) and the bytes it takes on disk.
 */
public record PartitionInfo(int partition, long startOffset, long endOffset, long sizeBytes) {

    /** Records currently stored. */
    public long recordCount() {
        return endOffset - startOffset;
    }
}
