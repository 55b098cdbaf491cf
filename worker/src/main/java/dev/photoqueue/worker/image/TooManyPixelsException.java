package dev.photoqueue.worker.image;

import dev.photoqueue.worker.job.PermanentJobException;

/**
 * An image whose header declares more pixels than the limit: a decompression bomb or simply too
 * large. Thrown from the header, before any pixel is decoded.
 */
public final class TooManyPixelsException extends PermanentJobException {

    private final int width;
    private final int height;
    private final long maxPixels;

    public TooManyPixelsException(String photoId, ImageFormat format, int width, int height, long maxPixels) {
        super(photoId, "photo " + photoId + " is a " + format + " image of " + width + "x" + height + " = "
                + (long) width * height + " pixels, more than the limit of " + maxPixels, null);
        this.width = width;
        this.height = height;
        this.maxPixels = maxPixels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public long maxPixels() {
        return maxPixels;
    }
}
