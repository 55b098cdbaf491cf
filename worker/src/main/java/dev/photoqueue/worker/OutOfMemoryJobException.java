package dev.photoqueue.worker;

import dev.photoqueue.worker.job.TransientJobException;

/**
 * A job ran out of heap while decoding or rendering: its image fits {@code maxPixels} but not this
 * worker's heap next to the other jobs in flight. Transient: the memory is free again once the
 * failed allocation unwinds, another delivery may find more room, and the queue dead-letters the
 * job if it never does. The worker itself stays up.
 */
final class OutOfMemoryJobException extends TransientJobException {

    OutOfMemoryJobException(String photoId, OutOfMemoryError cause) {
        super(photoId, "photo " + photoId + " needed more heap than was free (max heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): " + cause.getMessage(), cause);
    }
}
