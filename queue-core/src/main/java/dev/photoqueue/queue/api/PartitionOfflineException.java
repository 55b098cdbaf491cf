package dev.photoqueue.queue.api;

/**
 * A partition of the in-house log that stopped taking writes after a write or force of its files
 * failed in a way that leaves their state on disk unknown (a failed {@code fsync} above all: after
 * one, the OS may have dropped the unwritten pages, and a retry that succeeds proves nothing). It
 * stays offline, its records readable, until the queue is opened again, which re-reads and checks
 * what is on disk. Every send to it fails with this exception, naming the first failure.
 */
public final class PartitionOfflineException extends QueueException {

    private final TopicPartition partition;

    public PartitionOfflineException(TopicPartition partition, String reason, Throwable cause) {
        super("partition " + partition + " is offline and takes no writes until the queue is reopened: " + reason,
                cause);
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }
}
