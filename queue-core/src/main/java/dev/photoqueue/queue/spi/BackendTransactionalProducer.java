package dev.photoqueue.queue.spi;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TransactionalProducer;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The part of {@link TransactionalProducer} that every backend serves alike: each call's checks,
 * made through one {@link TransactionState} before the backend's work, so that no backend can skip
 * or reorder one and every backend refuses the same misuse with the same message; a transaction
 * counts as open only once the backend has begun it. The backend supplies the work of each call
 * and says which consumers' records a transaction can ack ({@link #orderedMemberOf}). Not
 * thread-safe, like the producer.
 *
 * @param <M> the backend's ORDERED group member type, whose records a transaction may ack
 */
public abstract class BackendTransactionalProducer<M extends GroupConsumer> implements TransactionalProducer {

    private final String transactionalId;
    private final String notMemberReason;
    private final TransactionState<M> state;

    /**
     * {@code deliveryOf} tells the delivery guarantee of a member's group; {@code notMemberReason}
     * says why the backend's other consumers cannot join a transaction, for the refusal's message.
     */
    protected BackendTransactionalProducer(String transactionalId, Function<? super M, DeliveryGuarantee> deliveryOf,
                                           String notMemberReason) {
        this.transactionalId = transactionalId;
        this.notMemberReason = notMemberReason;
        this.state = new TransactionState<>(transactionalId, deliveryOf);
    }

    /** The producer's state, which the backend updates as its transaction ends, fails or closes. */
    protected final TransactionState<M> state() {
        return state;
    }

    @Override
    public final String transactionalId() {
        return transactionalId;
    }

    @Override
    public final void beginTransaction() {
        state.ensureNoneOpen();
        beginInBackend();
        state.begun();
    }

    @Override
    public final CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        Objects.requireNonNull(record, "record");
        state.ensureOpen("send");
        return sendInTransaction(record);
    }

    @Override
    public final void ackInTransaction(GroupConsumer consumer, ConsumerRecord record) {
        state.addInput(consumer, orderedMemberOf(consumer), record, notMemberReason);
    }

    @Override
    public final void commitTransaction() {
        state.ensureOpen("commitTransaction");
        commitInBackend();
    }

    @Override
    public final void abortTransaction() {
        state.ensureOpen("abortTransaction");
        abortInBackend();
    }

    /** Begins a transaction in the backend, no transaction being open; it counts as open once this returns. */
    protected abstract void beginInBackend();

    /** {@link #send}'s work, {@code record} being non-null and a transaction open. */
    protected abstract CompletableFuture<RecordMetadata> sendInTransaction(ProducerRecord record);

    /**
     * {@link #commitTransaction}'s work, a transaction being open; it ends the transaction
     * ({@link TransactionState#end}).
     */
    protected abstract void commitInBackend();

    /** {@link #abortTransaction}'s work, a transaction being open; it ends the transaction. */
    protected abstract void abortInBackend();

    /** {@code consumer} if it is an ORDERED member of this backend (whose acks can join a transaction), or null. */
    protected abstract M orderedMemberOf(GroupConsumer consumer);
}
