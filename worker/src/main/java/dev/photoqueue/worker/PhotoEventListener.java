package dev.photoqueue.worker;

import dev.photoqueue.worker.job.PhotoEvent;

/**
 * Told of each event a pool's workers wrote to {@code photo.events}, once the queue acknowledged
 * it: an outcome ({@link dev.photoqueue.worker.job.PhotoProcessed},
 * {@link dev.photoqueue.worker.job.PhotoFailed}) after its send (under exactly-once, after its
 * transaction committed), a delivery or release notice when its send, which no worker waits for,
 * completes. So a listener counts what this process's workers did, as readers of the topic will
 * see it. Called on a worker's thread or the producer's: must be quick and must not throw.
 */
@FunctionalInterface
public interface PhotoEventListener {

    /** Listens to nothing. */
    PhotoEventListener NONE = event -> {
    };

    void published(PhotoEvent event);
}
