package dev.photoqueue.upload.service;

/** Where a photo is on its way from upload to variants. */
public enum PhotoStatus {
    /** The job is on the queue and no worker has it yet. */
    QUEUED,
    /** The job is first in line on a partition a worker owns: it is being processed. */
    PROCESSING,
    /**
     * Every variant exists. It stays so: a worker that published the outcome and died before the
     * ack may still leave the job dead-lettered, which {@link PhotoView#deadLettered} tells.
     */
    DONE,
    /** A worker gave up on the photo (permanent failure, or transient failures on its last delivery). */
    FAILED,
    /** The job lies in the dead-letter topic, waiting for a redrive. */
    DEAD_LETTERED,
    /**
     * Delivered at-most-once to a worker that died with it: the job counted as done when it was
     * handed out, so it never comes again (a replay or a new upload would make it).
     */
    LOST
}
