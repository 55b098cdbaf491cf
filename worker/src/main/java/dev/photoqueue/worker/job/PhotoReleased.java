package dev.photoqueue.worker.job;

import java.util.Objects;

/**
 * A worker gave the photo's job back after a transient failure, for the queue to deliver again
 * after a backoff: published by the worker, outside any transaction and without waiting, so that
 * the photo's history shows the retry and its reason.
 *
 * @param deliveryCount the delivery that failed
 * @param error         why, with the offending values
 */
public record PhotoReleased(String photoId, int deliveryCount, String workerId, String error) implements PhotoEvent {

    public PhotoReleased {
        Objects.requireNonNull(photoId, "photoId");
    }
}
