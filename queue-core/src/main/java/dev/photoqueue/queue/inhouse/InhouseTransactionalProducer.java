package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.TransactionAbortedException;
import dev.photoqueue.queue.inhouse.TransactionLog.Output;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.spi.BackendTransactionalProducer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Stages a transaction's outputs and input acks in memory; {@link TransactionCoordinator} makes
 * them durable and visible in one step at commit. Nothing is written before the commit, so no
 * consumer can ever read an output of a transaction that did not commit. A transaction holds at
 * most {@value TransactionLog#MAX_COMMIT_BYTES} bytes of outputs. Not thread-safe.
 */
final class InhouseTransactionalProducer extends BackendTransactionalProducer<InhouseGroupConsumer> {

    private record Staged(Output output, CompletableFuture<RecordMetadata> result) {
    }

    private final TransactionCoordinator coordinator;
    private final InhouseBackend backend;
    private final InhouseProducer router;
    private final int epoch;
    private long sequence;
    private final List<Staged> staged = new ArrayList<>();
    private long stagedBytes;

    InhouseTransactionalProducer(InhouseBackend backend, TransactionCoordinator coordinator, String transactionalId) {
        super(transactionalId, member -> member.config().delivery(), "SHARED-mode locks cannot join a transaction");
        this.backend = backend;
        this.coordinator = coordinator;
        this.router = new InhouseProducer(backend);
        this.epoch = coordinator.register(transactionalId);
    }

    /** Nothing to do: the transaction exists only in memory until its commit. */
    @Override
    protected void beginInBackend() {
    }

    @Override
    protected CompletableFuture<RecordMetadata> sendInTransaction(ProducerRecord record) {
        try {
            PartitionLog target = router.route(record, true);
            target.checkRecordSize(record.key(), record.value(), record.headers());
            Output output = new Output(target.topicPartition(), router.timestampOf(record), record.key(),
                    record.value(), record.headers());
            long size = TransactionLog.encodedSize(output);
            if (stagedBytes + size > TransactionLog.MAX_COMMIT_BYTES) {
                throw new RecordTooLargeException(record.topic() + " (in the transaction of " + transactionalId() + ")",
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
    protected void commitInBackend() {
        List<Output> outputs = staged.stream().map(Staged::output).toList();
        List<Staged> results = List.copyOf(staged);
        try {
            List<RecordMetadata> written = coordinator.commit(transactionalId(), epoch, sequence++, outputs,
                    state().inputsOf() == null ? null : state().inputsOf().session(), List.copyOf(state().inputs()));
            for (int i = 0; i < results.size(); i++) {
                results.get(i).result().complete(written.get(i));
            }
        } catch (ProducerFencedException e) {
            state().fence();
            fail(results, new TransactionAbortedException(transactionalId(), e.getMessage()));
            throw e;
        } catch (RuntimeException e) {
            // Past the commit point the outputs will be written (now or at the next open): not aborted.
            fail(results, e instanceof TransactionCoordinator.IncompleteCommitException ? e
                    : new TransactionAbortedException(transactionalId(), e.getMessage()));
            throw e;
        } finally {
            clear();
        }
    }

    @Override
    protected void abortInBackend() {
        fail(staged, new TransactionAbortedException(transactionalId(), "aborted by the application"));
        clear();
    }

    @Override
    protected InhouseGroupConsumer orderedMemberOf(GroupConsumer consumer) {
        return consumer instanceof InhouseGroupConsumer member && member.backend() == backend ? member : null;
    }

    private static void fail(List<Staged> results, Throwable cause) {
        for (Staged s : results) {
            s.result().completeExceptionally(cause);
        }
    }

    private void clear() {
        state().end();
        staged.clear();
        stagedBytes = 0;
    }

    @Override
    public void close() {
        if (state().isClosed()) {
            return;
        }
        if (state().isOpen()) {
            fail(staged, new TransactionAbortedException(transactionalId(), "the producer was closed"));
            clear();
        }
        state().close();
    }
}
