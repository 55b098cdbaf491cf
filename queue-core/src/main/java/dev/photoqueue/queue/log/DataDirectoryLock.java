package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.DataDirectoryLockedException;
import dev.photoqueue.queue.api.StorageException;

import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exclusive claim of one queue on a data directory: an OS file lock on {@code .lock}, held
 * until {@link #close}. The OS drops it when the process dies, even by kill -9, so a crashed
 * owner never blocks a restart. The file holds the owner's process id, for the error message
 * and for the one case where a start waits.
 *
 * <p>That case: the OS drops a dying process's lock only once it has freed the process's memory,
 * which for a large JVM takes a moment after {@code kill -9} has returned. When the owner is
 * exiting ({@link ProcessExitProbe}: killed, or past its exit, on Linux), a start waits for the
 * lock up to {@link #EXIT_WAIT} and then takes it; a live owner, or one whose state cannot be
 * known, is refused at once as before. The lock is only ever taken from the OS, so the guarantee
 * of one owner at a time is the OS's as before: the wait changes when a start gives up, not who
 * may own the directory.
 */
final class DataDirectoryLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryLock.class);

    /**
     * How long a start waits for an owner that is exiting to lose its lock; the wait ends as soon as
     * the lock is free. The time is the kernel's to free the dying owner's memory, measured here at
     * about 0.25 s per GB resident (1 GB: 0.15 to 0.3 s, 4 GB: 1 s), so 5 s covers owners of some
     * 20 GB, more than the app runs with. An exit that takes longer is stuck (in uninterruptible I/O
     * on a hung file system, or writing a core dump), and a start that says so after 5 s is better
     * than one that hangs with it.
     */
    static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    /** A lock that another process drops is not announced to one that only tried it: tried again this often. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private static final Pattern OWNER_PID = Pattern.compile("pid (\\d+)");

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
        return acquire(io, dir, ProcessExitProbe.LINUX, EXIT_WAIT);
    }

    /** {@link #acquire(FileIO, Path)} with another view of the processes and another bound, for tests. */
    static DataDirectoryLock acquire(FileIO io, Path dir, ProcessExitProbe probe, Duration exitWait) {
        Path key = realPath(dir);
        if (!hold(io, key)) {
            throw new DataDirectoryLockedException(dir.toString(), "this process, pid " + ProcessHandle.current().pid());
        }
        try {
            return acquireFile(io, dir, key, probe, exitWait);
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

    private static DataDirectoryLock acquireFile(FileIO io, Path dir, Path key, ProcessExitProbe probe,
                                                 Duration exitWait) {
        Path file = dir.resolve(LogFiles.LOCK_FILE);
        FileHandle channel;
        try {
            channel = io.open(file, OpenMode.READ_WRITE);
        } catch (IOException e) {
            throw new StorageException(file.toString(), "open lock file", e);
        }
        long waitStart = 0;
        boolean waited = false;
        while (!tryLock(channel, dir, file)) {
            String owner = readOwner(io, file);
            if (!ownerExiting(owner, probe)) {
                // The owner may have finished exiting between the try and the look at it.
                if (tryLock(channel, dir, file)) {
                    break;
                }
                closeQuietly(channel);
                throw new DataDirectoryLockedException(dir.toString(), owner);
            }
            if (!waited) {
                waited = true;
                waitStart = System.nanoTime();
            } else if (System.nanoTime() - waitStart >= exitWait.toNanos()) {
                closeQuietly(channel);
                throw new DataDirectoryLockedException(dir.toString(), owner
                        + ", which is exiting but still held the lock after "
                        + exitWait.toMillis() + " ms of waiting for the OS to release it");
            }
            LockSupport.parkNanos(RETRY_NANOS);
        }
        if (waited) {
            LOG.info("took the lock of {} after waiting {} ms for its exiting owner to release it", dir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitStart));
        }
        return taken(io, key, channel);
    }

    private static DataDirectoryLock taken(FileIO io, Path key, FileHandle channel) {
        try {
            channel.truncate(0);
            channel.writeFully(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            // The lock is what counts; the pid is only a courtesy for the message.
        }
        return new DataDirectoryLock(io, key, channel);
    }

    /** True when the lock is ours; closes the channel before failing. */
    private static boolean tryLock(FileHandle channel, Path dir, Path file) {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DataDirectoryLockedException(dir.toString(), "this process, pid " + ProcessHandle.current().pid());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException(file.toString(), "lock", e);
        }
    }

    /**
     * Whether the pid the lock file names is exiting. The file is only the owner's word: an owner
     * that has just taken the lock may not have written its pid yet, so the file may name the owner
     * before it; that one is gone or exiting, and the loop looks again after the next try.
     */
    private static boolean ownerExiting(String owner, ProcessExitProbe probe) {
        Matcher pid = OWNER_PID.matcher(owner);
        if (!pid.matches()) {
            return false;
        }
        long ownerPid;
        try {
            ownerPid = Long.parseLong(pid.group(1));
        } catch (NumberFormatException e) {
            return false;
        }
        return ownerPid != ProcessHandle.current().pid() && probe.isExiting(ownerPid);
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
