package dev.photoqueue.worker.job;

/** A job that fails the same way on every attempt: not an image, unsupported, corrupt, too large. */
public abstract non-sealed class PermanentJobException extends PhotoJobException {

    protected PermanentJobException(String photoId, String message, Throwable cause) {
        super(photoId, message, cause);
    }
}
