package dev.photoqueue.worker.image;

/**
 * A render that would not wait ({@link ImagePipeline#refusingToWait()}) found too little of the
 * {@link DecodeBudget} free: other decodes hold it now. Not a failure of the photo; trying again
 * once they are done can succeed. Thrown before any pixel is decoded.
 */
public final class HeapBudgetBusyException extends RuntimeException {

    private final String photoId;
    private final long estimatedBytes;

    public HeapBudgetBusyException(String photoId, ImageHeader header, long estimatedBytes, DecodeBudget budget) {
        super("photo " + photoId + " (" + header.format() + ", " + header.width() + "x" + header.height()
                + ") needs an estimated " + estimatedBytes + " bytes of heap to decode; other decodes hold "
                + budget.reservedBytes() + " of the " + budget.totalBytes() + " bytes of the decode budget now");
        this.photoId = photoId;
        this.estimatedBytes = estimatedBytes;
    }

    public String photoId() {
        return photoId;
    }

    public long estimatedBytes() {
        return estimatedBytes;
    }
}
