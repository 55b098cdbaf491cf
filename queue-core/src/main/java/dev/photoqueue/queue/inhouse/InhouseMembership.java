package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.GroupSession;
import dev.photoqueue.queue.log.DataSignal;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.spi.MemberChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What both in-house group consumers ({@link InhouseGroupConsumer}, ORDERED, and
 * {@link InhouseSharedConsumer}, SHARED) hold alike: the backend and config, the subscription and
 * the current session of type {@code S}, joining again after a removal, the checks before each
 * call, and the dead letters. Each consumer holds one and keeps only what its mode does
 * differently. Not thread-safe: used by its consumer's thread.
 */
final class InhouseMembership<S extends GroupSession> {

    private static final Logger LOG = LoggerFactory.getLogger(InhouseMembership.class);

    private final InhouseBackend backend;
    private final GroupConsumerConfig config;
    /** Joins the group in the consumer's mode. */
    private final BiFunction<GroupConsumerConfig, Collection<String>, S> join;
    private final DeadLetterWriter deadLetters;
    private Set<String> topics;
    private S session;
    private boolean closed;

    InhouseMembership(InhouseBackend backend, GroupConsumerConfig config,
                      BiFunction<GroupConsumerConfig, Collection<String>, S> join) {
        this.backend = backend;
        this.config = config;
        this.join = join;
        this.deadLetters = new DeadLetterWriter(backend.log());
    }

    InhouseBackend backend() {
        return backend;
    }

    Set<String> topics() {
        return topics;
    }

    /** Checks the topics and joins the group for them; a member subscribes once, for good. */
    void subscribe(Collection<String> newTopics) {
        MemberChecks.ensureUnsubscribed(closed, session != null, config.groupId(), memberId(), topics);
        topics = backend.subscribableTopics(newTopics);
        session = join.apply(config, topics);
    }

    /** {@link dev.photoqueue.queue.api.QueueClosedException} once closed, {@link IllegalStateException} before subscribe. */
    void ensureSubscribed() {
        MemberChecks.ensureSubscribed(closed, session != null, config.groupId());
    }

    /** The session, once subscribed and while open; fails like {@link #ensureSubscribed} otherwise. */
    S session() {
        ensureSubscribed();
        return session;
    }

    /** The session, or null before subscribe; no checks. */
    S sessionOrNull() {
        return session;
    }

    /** The coordinator removed this member (it stopped polling past the session timeout): joins again under a new id. */
    S rejoin() {
        LOG.info("member {} of group {} was removed; joining again", session.memberId(), config.groupId());
        session = join.apply(config, topics);
        return session;
    }

    String memberId() {
        return session == null ? null : session.memberId();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Marks the consumer closed and leaves the group, unless it never joined or was removed
     * already; true when it left.
     */
    boolean closeAndLeave() {
        closed = true;
        if (session != null && !session.isRemoved()) {
            session.leave();
            return true;
        }
        return false;
    }

    DataSignal signal() {
        return backend.log().signal();
    }

    PartitionLog partition(TopicPartition tp) {
        return backend.topic(tp.topic()).partition(tp.partition());
    }

    /** True when this delivery of {@code record} is past {@code maxDeliveries}: it goes to the dead letters. */
    boolean isExhausted(ConsumerRecord record) {
        return record.deliveryCount() > config.maxDeliveries();
    }

    /** Dead-letters a record delivered once too often, with the error of its last release. */
    void deadLetterExhausted(ConsumerRecord record) {
        int deliveries = record.deliveryCount() - 1;
        deadLetter(record, deliveries, DeadLetterCause.MAX_DELIVERIES, DeadLetters.pastMaxDeliveriesError(
                session.lastError(record.topicPartition(), record.offset()), deliveries));
    }

    /** Writes the dead letter, waits for it to be acknowledged, then counts the record done. */
    void deadLetter(ConsumerRecord record, int deliveries, DeadLetterCause cause, String error) {
        deadLetters.deadLetter(config.groupId(), record, deliveries, cause, error);
        session.ack(record.topicPartition(), record.offset(), record.deliveryCount());
    }

    /**
     * After a read below the log's start: the records from {@code e.offset()} were deleted by
     * retention, and the group continues at the log's start. False when the read was past the
     * log's end instead, which the caller handles.
     */
    boolean skipDeletedRecords(TopicPartition tp, OffsetOutOfRangeException e) {
        if (e.offset() >= e.logStartOffset()) {
            return false;
        }
        LOG.warn("group {}: records of {} from offset {} were deleted by retention; continuing at {}",
                config.groupId(), tp, e.offset(), e.logStartOffset());
        session.skipTo(tp, e.logStartOffset());
        return true;
    }
}
