package dev.photoqueue.queue.api;

/** Another queue, in this process or another, owns the data directory. */
public final class DataDirectoryLockedException extends QueueException {

    private final String directory;

    public DataDirectoryLockedException(String directory, String owner) {
        super("data directory " + directory + " is in use by another queue (" + owner
                + "); one process owns a data directory at a time");
        this.directory = directory;
    }

    public String directory() {
        return directory;
    }
}
