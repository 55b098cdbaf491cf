package dev.photoqueue.worker.image;

import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.worker.job.PermanentJobException;

/**
 * An image of a supported format whose header or pixel data cannot be decoded: truncated or
 * damaged. Its message is the dead letter's reason on the page and in {@code pq dlq}: the decoder's
 * reason in words, never its exception's type.
 */
public final class CorruptImageException extends PermanentJobException {

    private final ImageFormat format;

    public CorruptImageException(String photoId, ImageFormat format, int size, String stage, Throwable cause) {
        super(photoId, "photo " + photoId + " is a truncated or corrupt " + format + " image (" + size
                + " bytes): reading its " + stage + " failed: " + StorageException.reason(cause), cause);
        this.format = format;
    }

    public ImageFormat format() {
        return format;
    }
}
