package dev.photoqueue.worker.blob;

import dev.photoqueue.worker.job.TransientJobException;

import java.nio.file.Path;

/**
 * The original is not there (yet): the job may have overtaken the write of its blob, for example
 * on a shared or eventually consistent store. Transient: tried again with backoff.
 */
public final class BlobNotFoundException extends TransientJobException {

    private final Path path;

    public BlobNotFoundException(String photoId, Path path) {
        super(photoId, "blob of photo " + photoId + " not found at " + path, null);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
