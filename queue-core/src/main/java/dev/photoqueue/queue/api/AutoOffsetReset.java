package dev.photoqueue.queue.api;

/** Where a group starts reading a partition it has no committed position for. */
public enum AutoOffsetReset {
    /** From the first record still stored. */
    EARLIEST,
    /** From the end: only records produced from now on. */
    LATEST
}
