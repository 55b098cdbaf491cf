package dev.photoqueue.queue.api;

/** The outcome a consumer reports for one delivered record (the vocabulary of Kafka share groups). */
public enum AckType {
    /** Processed: the record is done for this group and is not delivered to it again. */
    ACCEPT,
    /** Not processed, try again: the record becomes available for delivery again. */
    RELEASE,
    /** Cannot be processed: the record is not delivered again and goes to the dead-letter topic. */
    REJECT,
    /** Still working: extends the lock on the record (shared mode) without settling it. */
    RENEW
}
