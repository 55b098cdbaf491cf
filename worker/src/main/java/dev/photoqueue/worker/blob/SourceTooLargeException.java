package dev.photoqueue.worker.blob;

import dev.photoqueue.worker.job.PermanentJobException;

import java.nio.file.Path;

/** An original larger than the byte limit: it is not read at all. */
public final class SourceTooLargeException extends PermanentJobException {

    private final long size;
    private final long maxBytes;

    public SourceTooLargeException(String photoId, Path path, long size, long maxBytes) {
        super(photoId, "original of photo " + photoId + " at " + path + " has " + size + " bytes, more than the limit of "
                + maxBytes, null);
        this.size = size;
        this.maxBytes = maxBytes;
    }

    public long size() {
        return size;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
