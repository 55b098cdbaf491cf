package dev.photoqueue.queue.api;

/** How a consumer group spreads partitions over its members. */
public enum Assignor {
    /** Per topic, contiguous ranges of partitions to members in member-id order (Kafka's RangeAssignor). */
    RANGE,
    /**
     * Balanced, and a partition stays with its member unless balance needs it elsewhere (Kafka's
     * cooperative sticky assignor): a membership change moves as few partitions as possible.
     */
    STICKY
}
