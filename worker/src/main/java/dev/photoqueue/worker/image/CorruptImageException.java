package dev.photoqueue.worker.image;

import dev.photoqueue.worker.job.PermanentJobException;

/** An image of a supported format whose header or pixel data cannot be decoded: truncated or damaged. */
public final class CorruptImageException extends PermanentJobException {

    private final ImageFormat format;

    public CorruptImageException(String photoId, ImageFormat format, int size, String stage, Throwable cause) {
        super(photoId, "photo " + photoId + " is a truncated or corrupt " + format + " image (" + size
                + " bytes): reading its " + stage + " failed: " + cause, cause);
        this.format = format;
    }

    public ImageFormat format() {
        return format;
    }
}
