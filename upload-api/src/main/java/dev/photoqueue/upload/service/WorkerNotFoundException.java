package dev.photoqueue.upload.service;

/** No embedded worker of that id runs in this process. */
public final class WorkerNotFoundException extends NotFoundException {

    public WorkerNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
