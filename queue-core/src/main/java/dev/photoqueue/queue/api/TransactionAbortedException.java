package dev.photoqueue.queue.api;

/** The outcome of a record sent in a transaction that was aborted: the record was never written. */
public final class TransactionAbortedException extends QueueException {

    private final String transactionalId;

    public TransactionAbortedException(String transactionalId, String reason) {
        super("transaction of " + transactionalId + " was aborted: " + reason);
        this.transactionalId = transactionalId;
    }

    public String transactionalId() {
        return transactionalId;
    }
}
