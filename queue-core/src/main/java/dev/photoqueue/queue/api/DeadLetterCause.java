package dev.photoqueue.queue.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a group gave up on a record, as its dead letter's {@link DeadLetters#CAUSE} header says (the
 * header value is {@link #wireName}).
 */
public enum DeadLetterCause {
    /** A consumer settled it with {@link AckType#REJECT}: it can never be processed. */
    REJECTED("rejected"),
    /** Its deliveries reached {@link GroupConsumerConfig#maxDeliveries} without an ack. */
    MAX_DELIVERIES("max-deliveries");

    private final String wireName;

    DeadLetterCause(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The cause a header value names; empty for null or an unknown value (a dead letter written before causes were). */
    public static Optional<DeadLetterCause> fromWireName(String value) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(value)).findFirst();
    }
}
