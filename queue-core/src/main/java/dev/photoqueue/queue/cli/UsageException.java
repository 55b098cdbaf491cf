package dev.photoqueue.queue.cli;

/** The command line itself is wrong: found before the queue is touched; exit status 2 with the usage. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
