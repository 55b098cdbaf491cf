package dev.photoqueue.worker.job;

/**
 * The photo will not get its variants: the job was rejected as permanently failing, or it failed
 * transiently on its last allowed delivery. Either way its job is in the dead-letter topic.
 *
 * @param reason    the error, with the offending values
 * @param attempts  how many deliveries of the job were tried
 * @param permanent true for a permanent failure, false when transient failures used up the deliveries
 * @param workerId  the worker that gave up
 */
public record PhotoFailed(String photoId, String reason, int attempts, boolean permanent, String workerId)
        implements PhotoEvent {
}
