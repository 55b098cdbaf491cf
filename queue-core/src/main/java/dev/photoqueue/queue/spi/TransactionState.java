package dev.photoqueue.queue.spi;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.TransactionalProducer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The backend-neutral state of a {@link TransactionalProducer}: whether it is closed, fenced or
 * has a transaction open, and the inputs the open transaction acks. It enforces the rules every
 * backend shares: calls fail on a closed or fenced producer, a transaction is begun before it is
 * used, and its inputs come from one member of a group that does not consume at-most-once (such
 * records are done when handed out, so there is no ack left to join the transaction). The backend
 * keeps its outputs and decides which members it accepts. Not thread-safe, like the producer.
 *
 * @param <M> the backend's group member type whose records a transaction may ack
 */
public final class TransactionState<M extends GroupConsumer> {

    private final String transactionalId;
    private final Function<? super M, DeliveryGuarantee> deliveryOf;
    private boolean open;
    private boolean fenced;
    private boolean closed;
    private M inputsOf;
    private final List<ConsumerRecord> inputs = new ArrayList<>();

    /** {@code deliveryOf} tells the delivery guarantee of a member's group. */
    public TransactionState(String transactionalId, Function<? super M, DeliveryGuarantee> deliveryOf) {
        this.transactionalId = transactionalId;
        this.deliveryOf = deliveryOf;
    }

    /** {@link QueueClosedException} once closed, {@link ProducerFencedException} once fenced. */
    public void ensureUsable() {
        if (closed) {
            throw new QueueClosedException("transactional producer " + transactionalId);
        }
        if (fenced) {
            throw new ProducerFencedException(transactionalId, "a newer producer took the id over; close this one");
        }
    }

    /** As {@link #ensureUsable}, then {@link IllegalStateException} while a transaction is open: before a begin. */
    public void ensureNoneOpen() {
        ensureUsable();
        if (open) {
            throw new IllegalStateException("producer " + transactionalId + " has a transaction open already");
        }
    }

    /** As {@link #ensureUsable}, then {@link IllegalStateException} naming {@code call} while none is open. */
    public void ensureOpen(String call) {
        ensureUsable();
        if (!open) {
            throw new IllegalStateException(call + " needs an open transaction; call beginTransaction first (producer "
                    + transactionalId + ")");
        }
    }

    /** Records that a transaction is open; call once the backend has begun it. */
    public void begun() {
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    /** Makes every later call fail with {@link ProducerFencedException}: a newer producer holds the id. */
    public void fence() {
        fenced = true;
    }

    public boolean isFenced() {
        return fenced;
    }

    /** Makes every later call fail with {@link QueueClosedException}. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * {@link TransactionalProducer#ackInTransaction}: adds {@code record} of {@code consumer} to the
     * open transaction's inputs. {@code member} is {@code consumer} as the backend's ORDERED member
     * type, or null when it is no such member of the producer's backend; {@code notMemberReason}
     * says why such consumers are refused. {@link IllegalArgumentException} for such a consumer, for
     * a member whose group consumes at-most-once, and for a member other than the one whose records
     * the transaction acks already: the acks of one commit go to one member's session.
     */
    public void addInput(GroupConsumer consumer, M member, ConsumerRecord record, String notMemberReason) {
        Objects.requireNonNull(record, "record");
        ensureOpen("ackInTransaction");
        if (member == null) {
            throw new IllegalArgumentException("transaction " + transactionalId + " can ack only records of an "
                    + "ORDERED group consumer of the same backend; " + consumer + " is not one (" + notMemberReason
                    + ")");
        }
        if (deliveryOf.apply(member) == DeliveryGuarantee.AT_MOST_ONCE) {
            throw new IllegalArgumentException("group " + member.groupId() + " consumes at-most-once: its records "
                    + "are done when handed out, so their acks cannot join transaction " + transactionalId);
        }
        if (inputsOf != null && inputsOf != member) {
            throw new IllegalArgumentException("transaction " + transactionalId + " acks records of member "
                    + inputsOf.memberId() + " already; inputs of " + member.memberId() + " need a transaction of "
                    + "their own");
        }
        inputsOf = member;
        inputs.add(record);
    }

    /** The member whose records the open transaction acks; null while it acks none. */
    public M inputsOf() {
        return inputsOf;
    }

    /** The records the open transaction acks, in the order added; a view that {@link #end} empties. */
    public List<ConsumerRecord> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    /** Ends the open transaction (committed, aborted or given up): no transaction open, no inputs. */
    public void end() {
        open = false;
        inputs.clear();
        inputsOf = null;
    }
}
