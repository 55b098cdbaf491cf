package dev.photoqueue.queue.api;

/** An I/O failure of the storage, naming the file involved. */
public final class StorageException extends QueueException {

    private final String path;

    public StorageException(String path, String action, Throwable cause) {
        super("cannot " + action + " " + path + ": " + cause, cause);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
