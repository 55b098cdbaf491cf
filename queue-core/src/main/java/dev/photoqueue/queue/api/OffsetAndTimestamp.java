package dev.photoqueue.queue.api;

/** The answer to a lookup by time: the first offset whose timestamp is at or after the asked time. */
public record OffsetAndTimestamp(long offset, long timestamp) {
}
