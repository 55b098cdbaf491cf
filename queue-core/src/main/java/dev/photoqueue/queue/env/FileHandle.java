package dev.photoqueue.queue.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * An open file, addressed by position: the operations of {@link java.nio.channels.FileChannel}
 * the queue uses, and no others. Positional reads may run concurrently with each other and with
 * one writer; writes, force and truncate come from one thread at a time.
 *
 * <p>The durability rule is the file system's: bytes written reach the OS at once (they survive
 * a crash of the process) and reach the disk only when {@link #force} returns normally. After a
 * failed force nothing is known about what reached the disk, and retrying it proves nothing.
 */
public interface FileHandle extends AutoCloseable {

    Path path();

    /** Reads into {@code dst} from {@code position}; the number of bytes read, -1 at the end of the file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes some of {@code src} at {@code position}; the number of bytes written (a short write is possible). */
    int write(ByteBuffer src, long position) throws IOException;

    /** Writes all of {@code src} at {@code position}, or fails having written some prefix of it. */
    default void writeFully(ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += write(src, at);
        }
    }

    /** Forces the file's content (and its metadata when {@code metadata}) to the disk. */
    void force(boolean metadata) throws IOException;

    /** Cuts the file to {@code size} bytes; a larger size changes nothing. */
    void truncate(long size) throws IOException;

    long size() throws IOException;

    /**
     * Takes the exclusive lock the OS keeps for this process on the whole file, released by
     * {@link #close} or the death of the process. False when another process holds it.
     * {@link java.nio.channels.OverlappingFileLockException} when this process holds it already.
     */
    boolean tryLock() throws IOException;

    @Override
    void close() throws IOException;
}
