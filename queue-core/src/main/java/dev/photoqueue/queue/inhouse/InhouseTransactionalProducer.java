package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.TransactionAbortedException;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.inhouse.TransactionLog.Output;
import dev.photoqueue.queue.log.PartitionLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Stages a transaction's outputs and input acks in memory; {@link TransactionCoordinator} makes
 * them durable and visible in one step at commit. Nothing is written before the commit, so no
 * consumer can ever read an output of a transaction that did not commit. A transaction holds at
 * most {@value TransactionLog#MAX_COMMIT_BYTES} bytes of outputs. Not thread-safe.
 */
final class InhouseTransactionalProducer implements TransactionalProducer {

    private record Staged(Output output, CompletableFuture<RecordMetadata> result) {
    }

    private final TransactionCoordinator coordinator;
    private final InhouseBackend backend;
    private final InhouseProducer router;
    private final String transactionalId;
    private final int epoch;
    private long sequence;
    private boolean inTransaction;
    private final List<Staged> staged = new ArrayList<>();
    private long stagedBytes;
    private InhouseGroupConsumer inputsOf;
    private final List<ConsumerRecord> inputs = new ArrayList<>();
    private boolean fenced;
    private boolean closed;

    InhouseTransactionalProducer(InhouseBackend backend, TransactionCoordinator coordinator, String transactionalId) {
        this.backend = backend;
        this.coordinator = coordinator;
        this.router = new InhouseProducer(backend);
        this.transactionalId = transactionalId;
        this.epoch = coordinator.register(transactionalId);
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
        inTransaction = true;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        Objects.requireNonNull(record, "record");
        ensureInTransaction("send");
        try {
            PartitionLog target = router.route(record, true);
            target.checkRecordSize(record.key(), record.value(), record.headers());
            Output output = new Output(target.topicPartition(), router.timestampOf(record), record.key(),
                    record.value(), record.headers());
            long size = TransactionLog.encodedSize(output);
            if (stagedBytes + size > TransactionLog.MAX_COMMIT_BYTES) {
                throw new RecordTooLargeException(record.topic() + " (in the transaction of " + transactionalId + ")",
                        stagedBytes + size, TransactionLog.MAX_COMMIT_BYTES);
            }
            CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
            staged.add(new Staged(output, result));
            stagedBytes += size;
            return result;
        } catch (QueueException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void ackInTransaction(GroupConsumer consumer, ConsumerRecord record) {
        Objects.requireNonNull(record, "record");
        ensureInTransaction("ackInTransaction");
        if (!(consumer instanceof InhouseGroupConsumer member) || member.backend() != backend) {
            throw new IllegalArgumentException("transaction " + transactionalId + " can ack only records of an "
                    + "ORDERED group consumer of the same backend; " + consumer + " is not one (SHARED-mode locks "
                    + "cannot join a transaction)");
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
        List<Output> outputs = staged.stream().map(Staged::output).toList();
        List<Staged> results = List.copyOf(staged);
        try {
            List<RecordMetadata> written = coordinator.commit(transactionalId, epoch, sequence++, outputs,
                    inputsOf == null ? null : inputsOf.session(), List.copyOf(inputs));
            for (int i = 0; i < results.size(); i++) {
                results.get(i).result().complete(written.get(i));
            }
        } catch (ProducerFencedException e) {
            fenced = true;
            fail(results, new TransactionAbortedException(transactionalId, e.getMessage()));
            throw e;
        } catch (RuntimeException e) {
            // Past the commit point the outputs will be written (now or at the next open): not aborted.
            fail(results, e instanceof TransactionCoordinator.IncompleteCommitException ? e
                    : new TransactionAbortedException(transactionalId, e.getMessage()));
            throw e;
        } finally {
            clear();
        }
    }

    @Override
    public void abortTransaction() {
        ensureInTransaction("abortTransaction");
        fail(staged, new TransactionAbortedException(transactionalId, "aborted by the application"));
        clear();
    }

    private static void fail(List<Staged> results, Throwable cause) {
        for (Staged s : results) {
            s.result().completeExceptionally(cause);
        }
    }

    private void clear() {
        inTransaction = false;
        staged.clear();
        stagedBytes = 0;
        inputs.clear();
        inputsOf = null;
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
        if (inTransaction) {
            fail(staged, new TransactionAbortedException(transactionalId, "the producer was closed"));
            clear();
        }
        closed = true;
    }
}
