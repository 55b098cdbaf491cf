package dev.photoqueue.queue.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one way the queue's durable writers reach the file system: open, map, write, force,
 * truncate, rename, delete, list. Production code uses {@link #local()}; tests wrap it to fail a
 * chosen operation, or replace it with a file system in memory that can lose power.
 *
 * <p>The contract is POSIX's, which is what a real disk gives: a new file, a rename or a delete is
 * durable once the directory that holds it has been forced ({@link #forceDirectory}); a file's
 * bytes once the file has been forced ({@link FileHandle#force}). Every method fails with the
 * {@link IOException} the file system gave, naming the path; none retries. Thread-safe.
 */
public interface FileIO {

    /** The real file system. */
    static FileIO local() {
        return LocalFileIO.INSTANCE;
    }

    FileHandle open(Path file, OpenMode mode) throws IOException;

    /**
     * Maps the first {@code length} bytes of {@code file} for reading and writing, creating the
     * file or setting its length to {@code length} first.
     */
    MappedRegion map(Path file, long length) throws IOException;

    /** Renames {@code source} to {@code target} in one step, replacing a file there. */
    void move(Path source, Path target) throws IOException;

    /** Deletes a file or an empty directory; {@link java.nio.file.NoSuchFileException} when absent. */
    void delete(Path path) throws IOException;

    /** Deletes a file or an empty directory if it exists; true when it did. */
    boolean deleteIfExists(Path path) throws IOException;

    /** The entries of {@code dir}, sorted by name. */
    List<Path> list(Path dir) throws IOException;

    void createDirectories(Path dir) throws IOException;

    boolean exists(Path path);

    boolean isDirectory(Path path);

    long size(Path file) throws IOException;

    /**
     * Makes the creations, renames and deletions of entries of {@code dir} durable. Where the
     * platform cannot open a directory for that, it does nothing: the rename itself stays atomic.
     */
    void forceDirectory(Path dir) throws IOException;

    /** Bytes still free for this process on the file system that holds {@code path}. */
    long usableSpace(Path path) throws IOException;

    /**
     * Reads a whole (small) file, to its end: the size it has when opened is only a first guess
     * (a pipe has none, a file being written grows).
     */
    default byte[] readAllBytes(Path file) throws IOException {
        try (FileHandle handle = open(file, OpenMode.READ)) {
            long size = handle.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException(file + " has " + size + " bytes, too many to read whole");
            }
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) Math.max(size + 1, 8192));
            while (true) {
                if (!bytes.hasRemaining()) {
                    if (bytes.capacity() >= Integer.MAX_VALUE / 2) {
                        throw new IOException(file + " has more bytes than can be read whole");
                    }
                    bytes = java.nio.ByteBuffer.allocate(bytes.capacity() * 2).put(bytes.flip());
                }
                if (handle.read(bytes, bytes.position()) < 0) {
                    break;
                }
            }
            return java.util.Arrays.copyOf(bytes.array(), bytes.position());
        }
    }
}
