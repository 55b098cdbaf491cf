package dev.photoqueue.queue.api;

/** The root of every error the queue reports. Subclasses name the topic, partition, offset or file at fault. */
public class QueueException extends RuntimeException {

    public QueueException(String message) {
        super(message);
    }

    public QueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
