package dev.photoqueue.queue.api;

/** How the members of a consumer group share its records; all members of a group use one mode. */
public enum ConsumptionMode {
    /** Each partition is owned by one member at a time and delivered in offset order (Kafka consumer groups). */
    ORDERED,
    /** Any member takes any record under a lock for the visibility timeout; no ordering (SQS, Kafka share groups). */
    SHARED
}
