package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.DataDirectoryLockedException;
import dev.photoqueue.queue.api.StorageException;

import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The exclusive claim of one queue on a data directory: an OS file lock on {@code .lock}, held
 * until {@link #close}. The OS drops it when the process dies, even by kill -9, so a crashed
 * owner never blocks a restart. The file holds the owner's process id, for the error message.
 */
final class DataDirectoryLock implements AutoCloseable {

    /**
     * Directories this process holds. A second open in the same process is refused here, before it
     * opens the lock file again: OS locks belong to the process, and closing any channel on the file
     * (as a refused attempt must) would drop the owner's lock and let another process in.
     */
    private static final Map<FileIO, Set<Path>> HELD = new WeakHashMap<>();

    private final FileIO io;
    private final Path key;
    private final FileHandle channel;

    private DataDirectoryLock(FileIO io, Path key, FileHandle channel) {
        this.io = io;
        this.key = key;
        this.channel = channel;
    }

    /**
     * Held per file system: a simulated one stands for another process's view of a disk, and is
     * dropped with that process (the map holds it weakly), as the OS drops a dead process's locks.
     */
    private static boolean hold(FileIO io, Path dir) {
        synchronized (HELD) {
            return HELD.computeIfAbsent(io, k -> new HashSet<>()).add(dir);
        }
    }

    private static void release(FileIO io, Path dir) {
        synchronized (HELD) {
            Set<Path> held = HELD.get(io);
            if (held != null) {
                held.remove(dir);
            }
        }
    }

    static DataDirectoryLock acquire(FileIO io, Path dir) {
        Path key = realPath(dir);
        if (!hold(io, key)) {
            throw new DataDirectoryLockedException(dir.toString(), "this process, pid " + ProcessHandle.current().pid());
        }
        try {
            return acquireFile(io, dir, key);
        } catch (RuntimeException e) {
            release(io, key);
            throw e;
        }
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static DataDirectoryLock acquireFile(FileIO io, Path dir, Path key) {
        Path file = dir.resolve(LogFiles.LOCK_FILE);
        FileHandle channel;
        try {
            channel = io.open(file, OpenMode.READ_WRITE);
        } catch (IOException e) {
            throw new StorageException(file.toString(), "open lock file", e);
        }
        boolean locked;
        try {
            locked = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DataDirectoryLockedException(dir.toString(), "this process, pid " + ProcessHandle.current().pid());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException(file.toString(), "lock", e);
        }
        if (!locked) {
            String owner = readOwner(io, file);
            closeQuietly(channel);
            throw new DataDirectoryLockedException(dir.toString(), owner);
        }
        try {
            channel.truncate(0);
            channel.writeFully(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            // The lock is what counts; the pid is only a courtesy for the message.
        }
        return new DataDirectoryLock(io, key, channel);
    }

    private static String readOwner(FileIO io, Path file) {
        try {
            String content = new String(io.readAllBytes(file), StandardCharsets.UTF_8).trim();
            return content.isEmpty() ? "another process" : content;
        } catch (IOException e) {
            return "another process";
        }
    }

    private static void closeQuietly(FileHandle channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing with a more useful error
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StorageException(key.resolve(LogFiles.LOCK_FILE).toString(), "release", e);
        } finally {
            release(io, key);
        }
    }
}
