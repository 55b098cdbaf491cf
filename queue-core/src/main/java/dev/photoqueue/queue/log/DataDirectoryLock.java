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

/**
 * The exclusive claim of one queue on a data directory: an OS file lock on {@code .lock}, held
 * until {@link #close}. The OS drops it when the process dies, even by kill -9, so a crashed
 * owner never blocks a restart. The file holds the owner's process id, for the error message.
 */
final class DataDirectoryLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path dir) {
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
        return new DataDirectoryLock(channel, lock);
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
            throw new StorageException("lock file", "release", e);
        }
    }
}
