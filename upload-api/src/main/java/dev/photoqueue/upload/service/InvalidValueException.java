package dev.photoqueue.upload.service;

/**
 * A value given to a service operation (a worker count, a chaos setting, a run-time setting) is
 * malformed, out of range, or a combination that cannot run; nothing changed. The message names
 * the field and the value. The HTTP layer answers 400.
 */
public final class InvalidValueException extends IllegalArgumentException {

    public InvalidValueException(String message) {
        super(message);
    }

    public InvalidValueException(IllegalArgumentException cause) {
        super(cause.getMessage(), cause);
    }
}
