package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TransactionAbortedException;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.spi.BackendTransactionalProducer;
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
final class KafkaTransactionalProducer extends BackendTransactionalProducer<KafkaGroupConsumer> {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransactionalProducer.class);

    /** A record sent in the open transaction: Kafka's write, and what the caller sees. */
    private record Sent(CompletableFuture<RecordMetadata> written, CompletableFuture<RecordMetadata> result) {
    }

    /**
     * How long the broker keeps a transaction open without a word from its producer before it
     * aborts it ({@code transaction.timeout.ms}; Kafka's default is 60 s). Until then
     * {@code read_committed} readers of its partitions read nothing past it, so a producer that died
     * mid-transaction and is not replaced stalls them that long: short, for a demo whose workers
     * are killed on purpose. {@code kafka.client.transaction.timeout.ms} overrides it.
     */
    static final int TRANSACTION_TIMEOUT_MS = 10_000;

    private final KafkaBackend backend;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Sent> sent = new ArrayList<>();

    KafkaTransactionalProducer(KafkaBackend backend, String transactionalId) {
        super(transactionalId, member -> member.config().delivery(),
                "share groups have no transactional acknowledgement");
        this.backend = backend;
        Map<String, Object> props = backend.config().clientBase();
        props.put("acks", "all");
        props.put("enable.idempotence", true);
        props.put("transactional.id", transactionalId());
        props.put("max.block.ms", backend.config().requestTimeoutMs());
        props.put("max.request.size", KafkaQueueProducer.MAX_REQUEST_BYTES);
        props.putIfAbsent("client.id", "photoqueue-tx-" + transactionalId());
        props.putIfAbsent("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw KafkaErrors.translate(e, backend.config(), "start transactional producer " + transactionalId(), null);
        }
    }

    @Override
    protected void beginInBackend() {
        try {
            producer.beginTransaction();
        } catch (org.apache.kafka.common.errors.ProducerFencedException | InvalidProducerEpochException e) {
            throw fence(e);
        }
    }

    @Override
    protected CompletableFuture<RecordMetadata> sendInTransaction(ProducerRecord record) {
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
    protected void commitInBackend() {
        // read before any abort, which forgets the transaction's inputs
        KafkaGroupConsumer member = state().inputsOf();
        int inputCount = state().inputs().size();
        try {
            if (member != null && inputCount > 0) {
                producer.sendOffsetsToTransaction(member.transactionOffsets(state().inputs()), member.groupMetadata());
            }
            producer.commitTransaction();
        } catch (FencedMemberException e) {
            abort(e.getMessage());
            throw e;
        } catch (org.apache.kafka.common.errors.ProducerFencedException | InvalidProducerEpochException e) {
            failAll(new TransactionAbortedException(transactionalId(), e.getMessage()));
            throw fence(e);
        } catch (CommitFailedException | FencedMemberEpochException | StaleMemberEpochException
                 | UnknownMemberIdException | IllegalGenerationException e) {
            abort(e.getMessage());
            throw offsetsRefused(member, inputCount, e);
        } catch (KafkaException e) {
            if (causedBy(e, org.apache.kafka.common.errors.ProducerFencedException.class)
                    || causedBy(e, InvalidProducerEpochException.class)) {
                failAll(new TransactionAbortedException(transactionalId(), e.getMessage()));
                throw fence(e);
            }
            abort(e.getMessage());
            if (causedBy(e, CommitFailedException.class) || causedBy(e, FencedMemberEpochException.class)
                    || causedBy(e, IllegalGenerationException.class) || causedBy(e, UnknownMemberIdException.class)) {
                throw offsetsRefused(member, inputCount, e);
            }
            throw KafkaErrors.translate(e, backend.config(), "commit transaction of " + transactionalId(), null);
        }
        if (state().inputsOf() != null) {
            state().inputsOf().ackedInTransaction(state().inputs());
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
    protected void abortInBackend() {
        abort("aborted by the application");
    }

    /** Kafka refused the offsets of the transaction's inputs: their member no longer owns them. */
    private static FencedMemberException offsetsRefused(KafkaGroupConsumer member, int inputCount, KafkaException e) {
        return new FencedMemberException(member == null ? null : member.groupId(),
                member == null ? null : member.memberId(), null, "Kafka refused the transaction's offsets for "
                + inputCount + " inputs (" + e.getMessage() + "); the transaction was aborted");
    }

    /** Aborts the open transaction at Kafka (quietly: it may be unusable already) and fails its sends. */
    private void abort(String reason) {
        try {
            producer.abortTransaction();
        } catch (org.apache.kafka.common.errors.ProducerFencedException | InvalidProducerEpochException e) {
            state().fence();
        } catch (KafkaException e) {
            LOG.warn("aborting the transaction of {} failed: {}", transactionalId(), StorageException.reason(e));
        }
        failAll(new TransactionAbortedException(transactionalId(), reason));
    }

    private void failAll(QueueException cause) {
        for (Sent s : sent) {
            s.result().completeExceptionally(cause);
        }
        clear();
    }

    private void clear() {
        state().end();
        sent.clear();
    }

    @Override
    protected KafkaGroupConsumer orderedMemberOf(GroupConsumer consumer) {
        return consumer instanceof KafkaGroupConsumer member && member.backend() == backend ? member : null;
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
        state().fence();
        clear();
        return new ProducerFencedException(transactionalId(), "a newer producer took the id over (" + e.getMessage()
                + "); close this one");
    }

    @Override
    public void close() {
        if (state().isClosed()) {
            return;
        }
        try {
            if (state().isOpen() && !state().isFenced()) {
                abort("the producer was closed");
            }
        } finally {
            state().close();
            try {
                producer.close();
            } finally {
                backend.closed(this);
            }
        }
    }
}
