package dev.photoqueue.worker.job;

/** A job that failed for a reason that may pass: an I/O error, a blob not yet visible. */
public abstract non-sealed class TransientJobException extends PhotoJobException {

    protected TransientJobException(String photoId, String message, Throwable cause) {
        super(photoId, message, cause);
    }
}
