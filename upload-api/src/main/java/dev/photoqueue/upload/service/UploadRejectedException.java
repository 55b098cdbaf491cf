package dev.photoqueue.upload.service;

/**
 * An upload refused before anything was kept. The message carries the offending values (sizes,
 * dimensions, limits, leading bytes); {@link #reason} says which rule refused it.
 */
public final class UploadRejectedException extends RuntimeException {

    /** Why an upload was refused. */
    public enum Reason {
        /** More bytes than the upload limit. */
        TOO_LARGE,
        /** The bytes are not an image of a supported format (decided from the bytes, never the name). */
        UNSUPPORTED_TYPE,
        /** The header declares more pixels than the limit. */
        TOO_MANY_PIXELS,
        /** An image format, but its header or pixel data cannot be read. */
        CORRUPT_IMAGE,
        /** The thumbnail workers' backlog is at its maximum; try again later. */
        BACKLOG_FULL,
        /** The queue did not take the job; try again later. */
        QUEUE_UNAVAILABLE
    }

    private final Reason reason;
    private final int retryAfterSeconds;

    public UploadRejectedException(Reason reason, String message) {
        this(reason, message, 0, null);
    }

    public UploadRejectedException(Reason reason, String message, int retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** For BACKLOG_FULL and QUEUE_UNAVAILABLE: when to try again, in seconds; 0 otherwise. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
