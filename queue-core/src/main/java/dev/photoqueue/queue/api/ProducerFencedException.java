package dev.photoqueue.queue.api;

/**
 * A transactional producer was replaced: another producer with the same transactional id was
 * created since, so this one may no longer commit (a "zombie" instance cannot write behind its
 * successor's back). Its open transaction is aborted; close it.
 */
public final class ProducerFencedException extends QueueException {

    private final String transactionalId;

    public ProducerFencedException(String transactionalId, String reason) {
        super("transactional producer " + transactionalId + " is fenced: " + reason);
        this.transactionalId = transactionalId;
    }

    public String transactionalId() {
        return transactionalId;
    }
}
