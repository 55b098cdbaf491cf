package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.RecordMetadata;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The futures of the records in one batch, in offset order, completed together once the batch is
 * written (and forced, under {@code fsync=always} or when one of them asked for it). Guarded by the lock of the batch it belongs to.
 */
final class PendingSends {

    @SuppressWarnings({"unchecked", "rawtypes"}) // arrays of a generic type can only be made raw
    private CompletableFuture<RecordMetadata>[] futures = new CompletableFuture[64];
    private long[] timestamps = new long[64];
    private int count;
    /** A send of this batch must not be acknowledged before the batch is forced, whatever the topic's policy. */
    private boolean forceRequested;

    void add(CompletableFuture<RecordMetadata> future, long timestamp, boolean force) {
        forceRequested |= force;
        if (count == futures.length) {
            futures = Arrays.copyOf(futures, count * 2);
            timestamps = Arrays.copyOf(timestamps, count * 2);
        }
        futures[count] = future;
        timestamps[count] = timestamp;
        count++;
    }

    /** Completes record i with offset {@code baseOffset + i}; callbacks run on this thread. */
    void completeAll(String topic, int partition, long baseOffset) {
        for (int i = 0; i < count; i++) {
            futures[i].complete(new RecordMetadata(topic, partition, baseOffset + i, timestamps[i]));
        }
    }

    void failAll(Throwable error) {
        for (int i = 0; i < count; i++) {
            futures[i].completeExceptionally(error);
        }
    }

    boolean forceRequested() {
        return forceRequested;
    }

    void clear() {
        Arrays.fill(futures, 0, count, null);
        count = 0;
        forceRequested = false;
    }
}
