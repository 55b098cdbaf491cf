package dev.photoqueue.queue.cli;

/** A command stopped for a reason it explains in one line; {@link #exitCode} is the process's status. */
final class CommandFailedException extends RuntimeException {

    private final int exitCode;

    CommandFailedException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
