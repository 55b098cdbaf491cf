package dev.photoqueue.worker;

import dev.photoqueue.worker.job.Topics;

/**
 * A job's outcome event ({@code PhotoProcessed} or {@code PhotoFailed}) was not written to
 * {@value Topics#PHOTO_EVENTS}: the send was refused or failed, was not acknowledged in time, or
 * the wait was interrupted. A failure of the worker's write, neither of the photo nor of the
 * queue's own state: the worker releases the job, so that its outcome is written on a later
 * delivery.
 */
final class EventNotPublishedException extends RuntimeException {

    EventNotPublishedException(String photoId, String detail, Throwable cause) {
        super("the outcome event of photo " + photoId + " was not written to " + Topics.PHOTO_EVENTS + ": "
                + detail, cause);
    }
}
