package dev.photoqueue.worker.blob;

import dev.photoqueue.worker.job.TransientJobException;

import java.io.IOException;
import java.nio.file.Path;

/** Reading or writing a blob failed with an I/O error (disk full, permissions, a flaky mount). Transient. */
public final class BlobIOException extends TransientJobException {

    private final Path path;

    public BlobIOException(String photoId, String operation, Path path, IOException cause) {
        super(photoId, operation + " " + path + " for photo " + photoId + " failed: " + cause, cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
