package dev.photoqueue.worker.blob;

import dev.photoqueue.worker.job.TransientJobException;

import java.nio.file.Path;

/**
 * The original's bytes do not have the digest the job names. Transient: the blob may still be
 * being replaced or copied; if it never matches, the queue dead-letters the job after its
 * deliveries are used up.
 */
public final class DigestMismatchException extends TransientJobException {

    private final String actual;

    public DigestMismatchException(String photoId, Path path, String expected, String actual) {
        super(photoId, "original of photo " + photoId + " at " + path + " has SHA-256 " + actual + ", the job says "
                + expected, null);
        this.actual = actual;
    }

    public String actual() {
        return actual;
    }
}
