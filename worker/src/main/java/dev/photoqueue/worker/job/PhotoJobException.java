package dev.photoqueue.worker.job;

/**
 * A photo job that could not be done, classified for the queue as one of two kinds: a
 * {@link PermanentJobException} will fail the same way however often it is tried (it goes to the
 * dead-letter topic at once), a {@link TransientJobException} may succeed later (it is released and
 * tried again with backoff). Messages carry the offending values: photo id, path, dimensions, limits.
 */
public abstract sealed class PhotoJobException extends RuntimeException
        permits PermanentJobException, TransientJobException {

    private final String photoId;

    PhotoJobException(String photoId, String message, Throwable cause) {
        super(message, cause);
        this.photoId = photoId;
    }

    /** The photo the job was for; null when the job message was too malformed to name one. */
    public String photoId() {
        return photoId;
    }

    /** True when trying again cannot help: the failure is a {@link PermanentJobException}. */
    public final boolean permanent() {
        return this instanceof PermanentJobException;
    }
}
