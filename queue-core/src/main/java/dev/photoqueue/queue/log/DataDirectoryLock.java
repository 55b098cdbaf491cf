package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.DataDirectoryLockedException;
import dev.photoqueue.queue.api.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path dir) {
        Path key = realPath(dir);
        if (!HELD.add(key)) {
            throw new DataDirectoryLockedException(dir.toString(), "this process, pid " + ProcessHandle.current().pid());
        }
        try {
            return acquireFile(dir, key);
        } catch (RuntimeException e) {
            HELD.remove(key);
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

    private static DataDirectoryLock acquireFile(Path dir, Path key) {
        Path file = dir.resolve(LogFiles.LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException(file.toString(), "open lock file", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DataDirectoryLockedException(dir.toString(), "this process, pid " + ProcessHandle.current().pid());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException(file.toString(), "lock", e);
        }
        if (lock == null) {
            String owner = readOwner(file);
            closeQuietly(channel);
            throw new DataDirectoryLockedException(dir.toString(), owner);
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            // The lock is what counts; the pid is only a courtesy for the message.
        }
        return new DataDirectoryLock(key, channel, lock);
    }

    private static String readOwner(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8).trim();
            return content.isEmpty() ? "another process" : content;
        } catch (IOException e) {
            return "another process";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing with a more useful error
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StorageException(dir.resolve(LogFiles.LOCK_FILE).toString(), "release", e);
        } finally {
            HELD.remove(dir);
        }
    }
}
