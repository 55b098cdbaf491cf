package dev.photoqueue.queue.api;

/** The producer, consumer or backend was closed; the call did nothing. */
public final class QueueClosedException extends QueueException {

    public QueueClosedException(String what) {
        super(what + " is closed");
    }
}
