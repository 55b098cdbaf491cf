package dev.photoqueue.worker.blob;

import dev.photoqueue.worker.job.PermanentJobException;

import java.nio.file.Path;

/** A blob location that is absolute or leads out of the blob store's root. */
public final class InvalidBlobLocationException extends PermanentJobException {

    private final String location;

    public InvalidBlobLocationException(String photoId, String location, Path root) {
        super(photoId, "blob location '" + location + "' of photo " + photoId + " is not a relative path inside "
                + root, null);
        this.location = location;
    }

    public String location() {
        return location;
    }
}
