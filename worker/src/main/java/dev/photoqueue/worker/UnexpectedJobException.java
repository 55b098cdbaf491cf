package dev.photoqueue.worker;

import dev.photoqueue.worker.job.TransientJobException;

/**
 * A job failed with an exception nobody classified: a bug, or a decoder error outside the image
 * layer's checks. Treated as transient: retried, and dead-lettered by the queue if it persists, so
 * one odd photo never stops the worker.
 */
final class UnexpectedJobException extends TransientJobException {

    UnexpectedJobException(String photoId, RuntimeException cause) {
        super(photoId, "photo " + photoId + " failed unexpectedly: " + cause, cause);
    }
}
