package dev.photoqueue.worker.image;

import dev.photoqueue.worker.job.PermanentJobException;

/**
 * An image within the pixel limit whose decode and render would take more heap than the whole
 * {@link DecodeBudget}: it could never be decoded in this process, on any delivery. Thrown from
 * the header, before any pixel is decoded, so it costs no worker (an {@link OutOfMemoryError}
 * would end one on every delivery until the queue dead-letters the job).
 */
public final class TooLargeForHeapException extends PermanentJobException {

    private final int width;
    private final int height;
    private final long estimatedBytes;
    private final long budgetBytes;

    public TooLargeForHeapException(String photoId, ImageHeader header, long estimatedBytes, long budgetBytes) {
        super(photoId, "photo " + photoId + " is a " + header.format() + " image of " + header.width() + "x"
                + header.height() + ": decoding and rendering it takes an estimated " + estimatedBytes
                + " bytes of heap, more than the decode budget of " + budgetBytes + " bytes ("
                + DecodeBudget.HEAP_SHARE_PERCENT + "% of a heap of " + Runtime.getRuntime().maxMemory()
                + " bytes)", null);
        this.width = header.width();
        this.height = header.height();
        this.estimatedBytes = estimatedBytes;
        this.budgetBytes = budgetBytes;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public long estimatedBytes() {
        return estimatedBytes;
    }

    public long budgetBytes() {
        return budgetBytes;
    }
}
