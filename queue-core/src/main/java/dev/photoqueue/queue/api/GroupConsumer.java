package dev.photoqueue.queue.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A member of a consumer group. What follows describes ORDERED mode; in SHARED mode
 * ({@link ConsumptionMode#SHARED}) no member owns a partition, any member takes any record under
 * a lock for the visibility timeout, there is no ordering, and {@link #assignment} is empty. In
 * ORDERED mode each partition of the subscribed topics is owned
 * by one member at a time, records of a partition are delivered in offset order (also when they
 * are delivered again), and the group's committed position of a partition is its first record not
 * yet acked. Not thread-safe: one thread uses a member.
 *
 * <p>Liveness: every call of {@link #poll} or {@link #ack} is a heartbeat. A member silent for the
 * session timeout is removed; its partitions go to the others, and whatever it had not acked is
 * delivered again (at-least-once). Its later acks fail with {@link FencedMemberException}.
 */
public interface GroupConsumer extends AutoCloseable {

    /** Joins the group for these topics; partitions arrive with the following polls. */
    default void subscribe(Collection<String> topics) {
        subscribe(topics, RebalanceListener.NONE);
    }

    void subscribe(Collection<String> topics, RebalanceListener listener);

    /**
     * Returns the next records of the partitions this member owns, waiting up to {@code timeout}
     * when there are none; runs the rebalance listener first when the assignment changed. Under
     * at-most-once the records are committed before they are returned.
     * The list is unmodifiable: every backend refuses a change with {@link UnsupportedOperationException}.
     */
    List<ConsumerRecord> poll(Duration timeout);

    /**
     * Marks the record done for the group. Acking a record twice is harmless.
     * {@link FencedMemberException} if its partition has moved to another member, or if the record
     * was delivered again since this delivery (its {@link ConsumerRecord#deliveryCount} is stale).
     */
    default void ack(ConsumerRecord record) {
        acknowledge(record, AckType.ACCEPT);
    }

    /** Settles a delivered record with the given outcome, without an error text; see the three-argument form. */
    default void acknowledge(ConsumerRecord record, AckType type) {
        acknowledge(record, type, null);
    }

    /**
     * Settles a delivered record with the given outcome; see {@link AckType}. {@code RELEASE}: try
     * again later; the partition continues from this record (records after it come again after
     * it) once a backoff growing with its delivery count has passed; other partitions keep
     * flowing. {@code REJECT}: the record goes to its dead-letter topic ({@link DeadLetters}) at
     * once and counts as done. {@code error} (may be null) is kept for the dead letter. Fenced
     * like {@link #ack}. {@code RENEW} extends the lock in shared mode; in ORDERED mode it throws
     * {@link IllegalArgumentException}. In shared mode {@code RELEASE} makes the record available
     * at once (no backoff), and every outcome is fenced once the lock expired.
     */
    void acknowledge(ConsumerRecord record, AckType type, String error);

    /** Persists the group's positions now (they are otherwise persisted in the background and on close). */
    void commitSync();

    /** The partitions this member owns now. */
    Set<TopicPartition> assignment();

    String groupId();

    /** This member's id in the group, as {@link GroupDescription} lists it; null before subscribe. */
    String memberId();

    /** Leaves the group: its partitions go to the others at once, without waiting for the session timeout. */
    @Override
    void close();
}
