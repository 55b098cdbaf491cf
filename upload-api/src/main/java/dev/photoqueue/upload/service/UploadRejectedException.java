package dev.photoqueue.upload.service;

/**
 * An upload refused before anything was kept (OUTCOME_UNKNOWN aside: its original is kept, see
 * there). The message carries the offending values (sizes,
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
        QUEUE_UNAVAILABLE,
        /** Every sync render slot (one a core) is in use; try again shortly, or upload async. */
        SYNC_BUSY,
        /** The blob store's disk has no room for the original (ENOSPC or quota); nothing is kept. */
        STORAGE_FULL,
        /**
         * The queue did not confirm the job, and may still write it (a Kafka send that timed out):
         * the original is kept and {@link #photoId} names the photo; a retry with the same
         * Idempotency-Key returns that photo, never a second one.
         */
        OUTCOME_UNKNOWN,
        /**
         * The upload's Idempotency-Key was first used for an upload of other bytes: a key names
         * one upload, and a different file needs a key of its own.
         */
        IDEMPOTENCY_KEY_REUSED,
        /** An upload with the same Idempotency-Key is still in progress; retry once it has ended. */
        IDEMPOTENCY_KEY_IN_USE
    }

    private final Reason reason;
    private final int retryAfterSeconds;
    private final String photoId;

    public UploadRejectedException(Reason reason, String message) {
        this(reason, message, 0, null);
    }

    public UploadRejectedException(Reason reason, String message, int retryAfterSeconds, Throwable cause) {
        this(reason, message, retryAfterSeconds, cause, null);
    }

    /** {@code photoId}: the photo the upload may yet have made (OUTCOME_UNKNOWN), else null. */
    public UploadRejectedException(Reason reason, String message, int retryAfterSeconds, Throwable cause,
                                   String photoId) {
        super(message, cause);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.photoId = photoId;
    }

    /** The photo an OUTCOME_UNKNOWN upload may yet have made; null otherwise. */
    public String photoId() {
        return photoId;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * For BACKLOG_FULL, QUEUE_UNAVAILABLE, OUTCOME_UNKNOWN and IDEMPOTENCY_KEY_IN_USE: when to try
     * again, in seconds; 0 otherwise.
     */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
