package dev.photoqueue.queue.api;

/** Where to move a group's position: the earliest or latest offset, a given offset, or the first at or after a time. */
public record OffsetSpec(Kind kind, long value) {

    public enum Kind {
        EARLIEST,
        LATEST,
        OFFSET,
        TIMESTAMP
    }

    public static OffsetSpec earliest() {
        return new OffsetSpec(Kind.EARLIEST, 0);
    }

    public static OffsetSpec latest() {
        return new OffsetSpec(Kind.LATEST, 0);
    }

    public static OffsetSpec offset(long offset) {
        return new OffsetSpec(Kind.OFFSET, offset);
    }

    /** The first record whose timestamp is at or after {@code epochMillis}; the end when all are older. */
    public static OffsetSpec timestamp(long epochMillis) {
        return new OffsetSpec(Kind.TIMESTAMP, epochMillis);
    }
}
