package dev.photoqueue.queue.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

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
    /** Why: a {@link DeadLetterCause#wireName}. */
    public static final String CAUSE = HEADER_PREFIX + "cause";

    private DeadLetters() {
    }

    /**
     * The error of a dead letter written because its record came once more past the maximum
     * deliveries: the error of the last delivery that ended in a release, or, when none did (each
     * ended in a crash or an expired lock), a sentence saying so. A dead letter always says why.
     */
    public static String pastMaxDeliveriesError(String lastReleaseError, int deliveries) {
        if (lastReleaseError != null) {
            return lastReleaseError;
        }
        return "no acknowledgement in " + deliveries + " deliveries: each ended without an ack or a release "
                + "(the consumer stopped, or its lock or session ran out)";
    }

    /**
     * The headers of {@code record}'s dead letter: its own, then the {@code pq.dlq.*} ones (the
     * error only when there is one), as every backend writes them.
     */
    public static List<Header> headersFor(ConsumerRecord record, String groupId, int deliveryCount,
                                          DeadLetterCause cause, String error, long deadLetteredAt) {
        List<Header> headers = new ArrayList<>(record.headers());
        headers.add(Header.of(TOPIC, record.topic()));
        headers.add(Header.of(PARTITION, String.valueOf(record.partition())));
        headers.add(Header.of(OFFSET, String.valueOf(record.offset())));
        headers.add(Header.of(TIMESTAMP, String.valueOf(record.timestamp())));
        headers.add(Header.of(GROUP, groupId));
        headers.add(Header.of(DELIVERY_COUNT, String.valueOf(deliveryCount)));
        if (error != null) {
            headers.add(new Header(ERROR, error.getBytes(StandardCharsets.UTF_8)));
        }
        headers.add(Header.of(DEAD_LETTERED_AT, String.valueOf(deadLetteredAt)));
        headers.add(Header.of(CAUSE, cause.wireName()));
        return headers;
    }

    /**
     * The record a redrive sends back to where {@code deadLetter} came from: its original
     * partition, key, value and headers (the {@code pq.dlq.*} ones removed).
     * {@link IllegalArgumentException} for a record that is not a dead letter.
     */
    public static ProducerRecord redriveRecord(ConsumerRecord deadLetter) {
        Header topic = deadLetter.header(TOPIC);
        Header partition = deadLetter.header(PARTITION);
        if (topic == null || partition == null) {
            throw new IllegalArgumentException("record " + deadLetter + " has no " + TOPIC + " or " + PARTITION
                    + " header; it is not a dead letter");
        }
        List<Header> original = new ArrayList<>();
        for (Header h : deadLetter.headers()) {
            if (!h.key().startsWith(HEADER_PREFIX)) {
                original.add(h);
            }
        }
        return new ProducerRecord(topic.valueAsString(), Integer.parseInt(partition.valueAsString()),
                deadLetter.key(), deadLetter.value(), null, original);
    }

    /**
     * What {@link Admin#redriveAll} applies to each dead letter, as every backend does: the
     * caller's {@code filter}, and for each record it accepts a wait so that at most
     * {@code recordsPerSecond} go back. Used by one thread. {@link IllegalArgumentException} for a
     * rate that is not above 0.
     */
    public static Predicate<ConsumerRecord> pacedRedrive(Predicate<ConsumerRecord> filter, double recordsPerSecond) {
        if (!(recordsPerSecond > 0)) {
            throw new IllegalArgumentException("redrive rate must be > 0 records per second, was " + recordsPerSecond);
        }
        long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / recordsPerSecond);
        long[] next = {System.nanoTime()};
        return r -> {
            if (!filter.test(r)) {
                return false;
            }
            long wait = next[0] - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next[0] = Math.max(next[0], System.nanoTime()) + intervalNanos;
            return true;
        };
    }

    /** The dead-letter topic of {@code topic}. */
    public static String topicFor(String topic) {
        return topic + SUFFIX;
    }
}
