package dev.photoqueue.queue.env;

import java.nio.ByteBuffer;

/**
 * The first bytes of a file mapped into memory for reading and writing (the log's indexes).
 * Writes through {@link #buffer} reach the file without a system call; {@link #force} sends them
 * to the disk. A mapping is never unmapped by hand: a reader may still be in a lookup, and the GC
 * releases it once no one holds the buffer.
 */
public interface MappedRegion {

    /** The mapped bytes, position 0 at the file's byte 0, capacity the mapped length. */
    ByteBuffer buffer();

    /** Forces what was written through the buffer to the disk. */
    void force();

    /**
     * Makes sure the disk holds room for bytes {@code position} to {@code position + length} of the
     * file, by writing them (as zeros) through an ordinary write: a mapped page gets its room on the
     * disk only when it is first written through the mapping, and on a full disk that write faults
     * the process (the JVM reports an {@link InternalError} at some later point, not where it
     * happened). Call it before writing a page the mapping has not written yet.
     */
    void reserve(long position, int length) throws java.io.IOException;
}
