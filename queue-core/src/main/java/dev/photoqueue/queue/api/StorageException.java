package dev.photoqueue.queue.api;

/** An I/O failure of the storage, naming the file involved. */
public final class StorageException extends QueueException {

    private final String path;

    public StorageException(String path, String action, Throwable cause) {
        super("cannot " + action + " " + path + ": " + cause, cause);
        this.path = path;
    }

    /** As above, with the cause in words ("permission denied") rather than as the exception's type. */
    public StorageException(String path, String action, String reason, Throwable cause) {
        super("cannot " + action + " " + path + ": " + reason, cause);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
