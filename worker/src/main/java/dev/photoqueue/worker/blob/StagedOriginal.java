package dev.photoqueue.worker.blob;

import java.nio.file.Path;

/**
 * An original written to a temporary file beside its final place and not yet part of the store:
 * the upload API checks it there (type, header, pixels, back pressure) before it {@link #commit}s,
 * so a refused upload leaves nothing behind and a 1 MB photo never has to sit in the heap.
 * {@link #close} deletes the temporary file unless it was committed. One thread at a time.
 */
public interface StagedOriginal extends AutoCloseable {

    /** The temporary file, to read the staged bytes from. */
    Path path();

    /** Bytes staged. */
    long size();

    /** SHA-256 of the staged bytes, 64 lower-case hex digits, computed while they were written. */
    String sha256();

    /**
     * Moves the original to its place ({@code originals/<photoId>}) atomically, forced to disk first
     * when the store forces its writes; returns its location for the job.
     */
    String commit();

    /** Deletes the temporary file unless committed; never throws. */
    @Override
    void close();
}
