package dev.photoqueue.queue.api;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * An I/O failure of the storage, naming the file involved and the cause in words ("permission
 * denied", "Read-only file system"), for an operator rather than as a Java exception's type.
 */
public final class StorageException extends QueueException {

    private final String path;

    public StorageException(String path, String action, Throwable cause) {
        super("cannot " + action + " " + path + ": " + reason(path, cause), cause);
        this.path = path;
    }

    /** As above, with the cause in words ("permission denied") rather than as the exception's type. */
    public StorageException(String path, String action, String reason, Throwable cause) {
        super("cannot " + action + " " + path + ": " + reason, cause);
        this.path = path;
    }

    /**
     * The cause of a failed file access in words, never a Java type's name: "permission denied",
     * the system's reason ({@link FileSystemException#getReason}, such as "Read-only file system"),
     * the words of the error a {@link FileSystemException} without a reason stands for ("no such
     * file or directory", naming its file, which may be below the path the action was on), the
     * system's reason a {@link FileNotFoundException} gives after its file, the message of any other
     * cause that has one ("No space left on device"), or "input/output error"
     * for an I/O failure that says nothing more. A cause that only wraps another (an
     * {@link UncheckedIOException}, an {@code IOException(cause)}) is worded by what it wraps.
     */
    public static String reason(Throwable cause) {
        return reason(null, cause);
    }

    /** As {@link #reason(Throwable)}, naming a file the cause names only when it is not {@code path}. */
    public static String reason(String path, Throwable cause) {
        Throwable wrapped = cause == null ? null : cause.getCause();
        if (cause instanceof UncheckedIOException
                || wrapped != null && String.valueOf(cause.getMessage()).equals(wrapped.toString())) {
            return reason(path, wrapped);
        }
        if (cause instanceof FileSystemException fs) {
            return fileSystemReason(path, fs);
        }
        if (cause instanceof FileNotFoundException && cause.getMessage() != null) {
            return fileNotFoundReason(path, cause.getMessage());
        }
        if (cause != null && cause.getMessage() != null && !cause.getMessage().isBlank()) {
            return cause.getMessage();
        }
        return cause instanceof IOException ? "input/output error" : "unexpected error without a message";
    }

    /**
     * The system's reason of a {@link FileNotFoundException} from {@code java.io}, whose message is
     * "FILE (REASON)": the reason, naming the file only when it is not {@code path}.
     */
    private static String fileNotFoundReason(String path, String message) {
        int open = message.lastIndexOf(" (");
        if (open < 0 || !message.endsWith(")")) {
            return message;
        }
        String file = message.substring(0, open);
        String reason = message.substring(open + 2, message.length() - 1);
        return file.equals(path) ? reason : reason + " (" + file + ")";
    }

    /** A file system error in words: its reason, else what its type means, with the file it names. */
    private static String fileSystemReason(String path, FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e.getReason() != null) {
            return e.getReason();
        }
        String words;
        if (e instanceof NoSuchFileException) {
            words = "no such file or directory";
        } else if (e instanceof NotDirectoryException) {
            words = "not a directory";
        } else if (e instanceof FileAlreadyExistsException) {
            words = "file already exists";
        } else if (e instanceof DirectoryNotEmptyException) {
            words = "directory not empty";
        } else if (e instanceof NotLinkException) {
            words = "not a symbolic link";
        } else if (e instanceof FileSystemLoopException) {
            words = "symbolic link loop";
        } else {
            words = "input/output error";
        }
        if (e.getFile() == null || e.getFile().equals(path) && e.getOtherFile() == null) {
            return words;
        }
        return words + " (" + e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile()) + ")";
    }

    public String path() {
        return path;
    }
}
