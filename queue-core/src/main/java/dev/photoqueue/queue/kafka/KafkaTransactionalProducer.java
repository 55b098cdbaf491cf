package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TransactionAbortedException;
import dev.photoqueue.queue.api.TransactionalProducer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Kafka's transactions behind {@link TransactionalProducer}: a {@link KafkaProducer} with a
 * {@code transactional.id} ({@code initTransactions} at creation fences older producers of the
 * id), the inputs' acks sent with {@code sendOffsetsToTransaction} (the offsets and metadata the
 * member would commit with them acked, checked by the broker against the member's generation),
 * and every consumer of this backend reading {@code read_committed}. Kafka writes a
 * transaction's records before it commits; the futures {@link #send} returns complete only at the
 * commit, and fail with {@link TransactionAbortedException} otherwise, as on the in-house backend.
 * Not thread-safe.
 */
final class KafkaTransactionalProducer implements TransactionalProducer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransactionalProducer.class);

    /** A record sent in the open transaction: Kafka's write, and what the caller sees. */
    private record Sent(CompletableFuture<RecordMetadata> written, CompletableFuture<RecordMetadata> result) {
    }

    private final KafkaBackend backend;
    private final String transactionalId;
    private final KafkaProducer<byte[], byte[]> producer;
    private boolean inTransaction;
    private final List<Sent> sent = new ArrayList<>();
    private KafkaGroupConsumer inputsOf;
    private final List<ConsumerRecord> inputs = new ArrayList<>();
    private boolean fenced;
    private boolean closed;

    KafkaTransactionalProducer(KafkaBackend backend, String transactionalId) {
        this.backend = backend;
        this.transactionalId = transactionalId;
        Map<String, Object> props = backend.config().clientBase();
        props.put("acks", "all");
        props.put("enable.idempotence", true);
        props.put("transactional.id", transactionalId);
        props.put("max.block.ms", backend.config().requestTimeoutMs());
        props.put("max.request.size", KafkaQueueProducer.MAX_REQUEST_BYTES);
        props.putIfAbsent("client.id", "photoqueue-tx-" + transactionalId);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw KafkaErrors.translate(e, backend.config(), "start transactional producer " + transactionalId, null);
        }
    }

    @Override
    public String transactionalId() {
        return transactionalId;
    }

    @Override
    public void beginTransaction() {
        ensureUsable();
        if (inTransaction) {
            throw new IllegalStateException("producer " + transactionalId + " has a transaction open already");
        }
        try {
            producer.beginTransaction();
        } catch (org.apache.kafka.common.errors.ProducerFencedException | InvalidProducerEpochException e) {
            throw fence(e);
        }
        inTransaction = true;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        Objects.requireNonNull(record, "record");
        ensureInTransaction("send");
        CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(KafkaQueueProducer.toKafka(record, producer), (md, error) -> {
                if (error != null) {
                    written.completeExceptionally(KafkaQueueProducer.translate(error, record, backend.config()));
                } else {
                    written.complete(new RecordMetadata(md.topic(), md.partition(), md.offset(), md.timestamp()));
                }
            });
        } catch (RuntimeException e) {
            written.completeExceptionally(KafkaQueueProducer.translate(e, record, backend.config()));
        }
        sent.add(new Sent(written, result));
        return result;
    }

    @Override
    public void ackInTransaction(GroupConsumer consumer, ConsumerRecord record) {
        Objects.requireNonNull(record, "record");
        ensureInTransaction("ackInTransaction");
        if (!(consumer instanceof KafkaGroupConsumer member) || member.backend() != backend) {
            throw new IllegalArgumentException("transaction " + transactionalId + " can ack only records of an "
                    + "ORDERED group consumer of the same backend; " + consumer + " is not one (share groups have "
                    + "no transactional acknowledgement)");
        }
        if (member.config().delivery() == DeliveryGuarantee.AT_MOST_ONCE) {
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

    @Override
    public void commitTransaction() {
        ensureInTransaction("commitTransaction");
        try {
            if (!inputs.isEmpty()) {
                producer.sendOffsetsToTransaction(inputsOf.transactionOffsets(inputs), inputsOf.groupMetadata());
            }
            producer.commitTransaction();
        } catch (FencedMemberException e) {
            abort(e.getMessage());
            throw e;
        } catch (org.apache.kafka.common.errors.ProducerFencedException | InvalidProducerEpochException e) {
            failAll(new TransactionAbortedException(transactionalId, e.getMessage()));
            throw fence(e);
        } catch (CommitFailedException | FencedMemberEpochException | StaleMemberEpochException
                 | UnknownMemberIdException | IllegalGenerationException e) {
            abort(e.getMessage());
            throw new FencedMemberException(inputsOf.groupId(), inputsOf.memberId(), null, "Kafka refused the "
                    + "transaction's offsets for " + inputs.size() + " inputs (" + e.getMessage() + "); the "
                    + "transaction was aborted");
        } catch (KafkaException e) {
            if (causedBy(e, org.apache.kafka.common.errors.ProducerFencedException.class)
                    || causedBy(e, InvalidProducerEpochException.class)) {
                failAll(new TransactionAbortedException(transactionalId, e.getMessage()));
                throw fence(e);
            }
            abort(e.getMessage());
            if (causedBy(e, CommitFailedException.class) || causedBy(e, FencedMemberEpochException.class)
                    || causedBy(e, IllegalGenerationException.class) || causedBy(e, UnknownMemberIdException.class)) {
                throw new FencedMemberException(inputsOf == null ? null : inputsOf.groupId(),
                        inputsOf == null ? null : inputsOf.memberId(), null, "Kafka refused the transaction's offsets ("
                        + e.getMessage() + "); the transaction was aborted");
            }
            throw KafkaErrors.translate(e, backend.config(), "commit transaction of " + transactionalId, null);
        }
        if (inputsOf != null) {
            inputsOf.ackedInTransaction(inputs);
        }
        for (Sent s : sent) {
            // Committed: every write completed before commitTransaction returned.
            s.written().whenComplete((md, error) -> {
                if (error != null) {
                    s.result().completeExceptionally(error);
                } else {
                    s.result().complete(md);
                }
            });
        }
        clear();
    }

    @Override
    public void abortTransaction() {
        ensureInTransaction("abortTransaction");
        abort("aborted by the application");
    }

    /** Aborts the open transaction at Kafka (quietly: it may be unusable already) and fails its sends. */
    private void abort(String reason) {
        try {
            producer.abortTransaction();
        } catch (org.apache.kafka.common.errors.ProducerFencedException | InvalidProducerEpochException e) {
            fenced = true;
        } catch (KafkaException e) {
            LOG.warn("aborting the transaction of {} failed: {}", transactionalId, e.toString());
        }
        failAll(new TransactionAbortedException(transactionalId, reason));
    }

    private void failAll(QueueException cause) {
        for (Sent s : sent) {
            s.result().completeExceptionally(cause);
        }
        clear();
    }

    private void clear() {
        inTransaction = false;
        sent.clear();
        inputs.clear();
        inputsOf = null;
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private ProducerFencedException fence(KafkaException e) {
        fenced = true;
        clear();
        return new ProducerFencedException(transactionalId, "a newer producer took the id over (" + e.getMessage()
                + "); close this one");
    }

    private void ensureUsable() {
        if (closed) {
            throw new QueueClosedException("transactional producer " + transactionalId);
        }
        if (fenced) {
            throw new ProducerFencedException(transactionalId, "a newer producer took the id over; close this one");
        }
    }

    private void ensureInTransaction(String call) {
        ensureUsable();
        if (!inTransaction) {
            throw new IllegalStateException(call + " needs an open transaction; call beginTransaction first (producer "
                    + transactionalId + ")");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (inTransaction && !fenced) {
                abort("the producer was closed");
            }
        } finally {
            closed = true;
            try {
                producer.close();
            } finally {
                backend.closed(this);
            }
        }
    }
}
