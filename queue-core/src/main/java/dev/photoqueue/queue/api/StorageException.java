package dev.photoqueue.queue.api;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * An I/O failure of the storage, naming the file involved and the cause in words ("permission
 * denied", "Read-only file system"), for an operator rather than as a Java exception's type.
 */
public final class StorageException extends QueueException {

    private final String path;

    public StorageException(String path, String action, Throwable cause) {
        super("cannot " + action + " " + path + ": " + reason(cause), cause);
        this.path = path;
    }

    /** As above, with the cause in words ("permission denied") rather than as the exception's type. */
    public StorageException(String path, String action, String reason, Throwable cause) {
        super("cannot " + action + " " + path + ": " + reason, cause);
        this.path = path;
    }

    /**
     * The cause of a failed file access in words: "permission denied", the system's reason
     * ({@link FileSystemException#getReason}, such as "Read-only file system"), or the message of an
     * {@link IOException} that has one ("No space left on device"); else the cause itself, type and
     * all, which is all there is to say.
     */
    public static String reason(Throwable cause) {
        if (cause instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (cause instanceof FileSystemException fs) {
            return fs.getReason() != null ? fs.getReason() : cause.toString();
        }
        if (cause instanceof IOException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return String.valueOf(cause);
    }

    public String path() {
        return path;
    }
}
