package dev.photoqueue.queue.api;

import java.util.concurrent.CompletableFuture;

/**
 * Consume-transform-produce, exactly once: the records sent in a transaction and the acks of the
 * input records it consumed become visible in one atomic step at {@link #commitTransaction}, or
 * not at all. Consumers of this API never see records of a transaction that did not commit (on
 * Kafka they read with {@code isolation.level=read_committed}).
 *
 * <pre>
 * producer.beginTransaction();
 * producer.send(output);                 // any number, to any topics
 * producer.ackInTransaction(member, in); // the input records they came from
 * producer.commitTransaction();          // outputs and acks, together
 * </pre>
 *
 * <p>Crash safety: a process that dies before the commit leaves nothing visible and the inputs
 * are delivered again; one that dies during the commit leaves it either undone or, once the
 * commit point was written, completed when the queue is next opened. Every output therefore
 * appears once, whatever moment the process stopped at.
 *
 * <p>Fencing: creating a transactional producer with a {@code transactionalId} fences every
 * earlier producer with that id; their commits fail with {@link ProducerFencedException}. A commit
 * whose input ack is stale (the member lost the partition, or the record was delivered again
 * since) fails with {@link FencedMemberException} and changes nothing.
 *
 * <p>Inputs come from an ORDERED, at-least-once {@link GroupConsumer} of the same backend, one
 * member per transaction; SHARED-mode locks cannot join a transaction (as on Kafka, whose share
 * groups have no transactional acknowledgement). Not thread-safe: one thread, the member's, uses
 * it.
 */
public interface TransactionalProducer extends AutoCloseable {

    /** The id this producer fences earlier producers of. */
    String transactionalId();

    /** Starts a transaction. {@link IllegalStateException} when one is open already. */
    void beginTransaction();

    /**
     * Adds a record to the open transaction. Its partition is chosen now (as {@link Producer#send}
     * does); the future completes with its offset at the latest when the transaction commits, and
     * fails with {@link TransactionAbortedException} when it does not. Back pressure applies as
     * for {@link Producer#send}. {@link IllegalStateException} outside a transaction.
     */
    CompletableFuture<RecordMetadata> send(ProducerRecord record);

    /**
     * Makes the ack of {@code record}, delivered to {@code consumer}, part of the open transaction:
     * it takes effect when the transaction commits, not before. {@link IllegalArgumentException}
     * for a consumer of another backend, a SHARED-mode or at-most-once consumer, or inputs of two
     * different members in one transaction.
     */
    void ackInTransaction(GroupConsumer consumer, ConsumerRecord record);

    /**
     * Makes the transaction's outputs and acks visible together and returns once they are durable
     * (under the topics' fsync policy). On {@link FencedMemberException} or
     * {@link ProducerFencedException} the transaction is aborted and nothing of it is visible.
     */
    void commitTransaction();

    /** Drops the open transaction: none of its records become visible, its inputs stay unacked. */
    void abortTransaction();

    /** Aborts an open transaction and releases the producer. */
    @Override
    void close();
}
