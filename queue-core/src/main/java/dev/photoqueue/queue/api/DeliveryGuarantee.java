package dev.photoqueue.queue.api;

/** When a record handed to a group consumer counts as done. */
public enum DeliveryGuarantee {
    /** Done when handed out: the position is committed before the records are returned; a crash loses them. */
    AT_MOST_ONCE,
    /** Done when acked: a crash or a lost partition before the ack means the record is delivered again. */
    AT_LEAST_ONCE
}
