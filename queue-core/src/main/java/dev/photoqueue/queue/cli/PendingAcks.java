package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.RecordMetadata;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The sends of one {@code produce} not yet known to be acknowledged, with the input line each came
 * from. Waiting on the oldest once {@link #WINDOW} are in flight keeps memory flat on endless
 * input while the log still group-commits many records per write. Not thread-safe.
 */
final class PendingAcks {

    static final int WINDOW = 4096;

    /** The first send that failed: its input line and why. */
    record Failure(long line, Throwable cause) {
    }

    private record Pending(long line, CompletableFuture<RecordMetadata> ack) {
    }

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long sent;
    private long acknowledged;
    private Failure failure;

    /** Tracks one send; waits for older ones while the window is full. */
    void add(long line, CompletableFuture<RecordMetadata> ack) throws InterruptedException {
        sent++;
        pending.add(new Pending(line, ack));
        if (ack.isCompletedExceptionally()) {
            // Rejected before it was written (too large, unknown partition): no need to wait.
            awaitAll();
        }
        while (pending.size() > WINDOW) {
            await(pending.poll());
        }
    }

    /** Waits for every tracked send; afterwards {@link #acknowledged} and {@link #failure} are final. */
    void awaitAll() throws InterruptedException {
        while (!pending.isEmpty()) {
            await(pending.poll());
        }
    }

    private void await(Pending p) throws InterruptedException {
        try {
            p.ack().get();
            acknowledged++;
        } catch (ExecutionException e) {
            if (failure == null || p.line() < failure.line()) {
                failure = new Failure(p.line(), e.getCause());
            }
        }
    }

    long sent() {
        return sent;
    }

    long acknowledged() {
        return acknowledged;
    }

    /** The earliest failed send seen so far, or null. */
    Failure failure() {
        return failure;
    }
}
