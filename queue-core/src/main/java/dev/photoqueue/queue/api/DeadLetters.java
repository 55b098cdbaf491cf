package dev.photoqueue.queue.api;

/**
 * The dead-letter topics of consumer groups. A record a group could not process (rejected, or
 * delivered {@link GroupConsumerConfig#maxDeliveries} times without an ack) is copied to
 * {@code <topic>.dlq} (one partition) with its key, value and headers and the headers named here,
 * then counts as done for the group. {@link Admin#redrive} sends it back to where it came from.
 */
public final class DeadLetters {

    /** The suffix of a topic's dead-letter topic. */
    public static final String SUFFIX = ".dlq";
    /** Every header the queue adds starts with this; redrive removes them. */
    public static final String HEADER_PREFIX = "pq.dlq.";
    /** The original topic. */
    public static final String TOPIC = HEADER_PREFIX + "topic";
    /** The original partition (decimal). */
    public static final String PARTITION = HEADER_PREFIX + "partition";
    /** The original offset (decimal). */
    public static final String OFFSET = HEADER_PREFIX + "offset";
    /** The original record's timestamp, epoch millis (decimal). */
    public static final String TIMESTAMP = HEADER_PREFIX + "timestamp";
    /** The group that gave up on the record. */
    public static final String GROUP = HEADER_PREFIX + "group";
    /** How many times the group had handed it out (decimal). */
    public static final String DELIVERY_COUNT = HEADER_PREFIX + "delivery-count";
    /** The error given with the last release or the reject; absent when none was given. */
    public static final String ERROR = HEADER_PREFIX + "error";
    /** When it was dead-lettered, epoch millis (decimal). */
    public static final String DEAD_LETTERED_AT = HEADER_PREFIX + "dead-lettered-at";

    private DeadLetters() {
    }

    /** The dead-letter topic of {@code topic}. */
    public static String topicFor(String topic) {
        return topic + SUFFIX;
    }
}
