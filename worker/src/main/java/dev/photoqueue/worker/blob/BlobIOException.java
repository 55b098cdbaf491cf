package dev.photoqueue.worker.blob;

import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.worker.job.TransientJobException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reading or writing a blob failed with an I/O error (disk full, permissions, a flaky mount).
 * Transient. Its message, the reason of a failed job on the page, says the I/O error in words.
 */
public final class BlobIOException extends TransientJobException {

    private final Path path;

    public BlobIOException(String photoId, String operation, Path path, IOException cause) {
        super(photoId, operation + " " + path + " for photo " + photoId + " failed: "
                + StorageException.reason(path.toString(), cause), cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /**
     * Whether the disk had no room (ENOSPC) or the quota was used up (EDQUOT): Java has no type for
     * either, so they are told by the operating system's words in the I/O error's message.
     */
    public boolean diskFull() {
        String message = String.valueOf(getCause().getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }
}
