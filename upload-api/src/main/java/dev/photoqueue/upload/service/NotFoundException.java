package dev.photoqueue.upload.service;

/**
 * A service was asked about something by name that does not exist here: a worker, a consumer
 * group. The message names what was asked for and what there is. The HTTP layer answers 404.
 */
public abstract sealed class NotFoundException extends RuntimeException
        permits GroupNotFoundException, WorkerNotFoundException {

    NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
