package dev.photoqueue.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The records the members of one round have acked, counted towards the round's total. The member
 * whose ack completes the total stamps the time; that is when the round ends. A member that fails
 * ends the round too, with its error. Thread-safe.
 */
final class AckTally {

    private final long total;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile long completedNanos;

    AckTally(long total) {
        this.total = total;
    }

    /** Counts {@code records} that this member has just acked. */
    void add(long records) {
        long now = acked.addAndGet(records);
        if (now >= total && now - records < total) {
            completedNanos = System.nanoTime();
            done.countDown();
        }
    }

    boolean isComplete() {
        return done.getCount() == 0;
    }

    void fail(String member, Throwable cause) {
        failure.compareAndSet(null, new IllegalStateException("member " + member + " failed: " + cause, cause));
        done.countDown();
    }

    /**
     * Waits until every record is acked and returns the {@link System#nanoTime} of the last ack.
     * Fails with the first member's error, or when the count has not moved for {@code stallLimit}.
     */
    long awaitCompletion(Duration stallLimit) throws InterruptedException {
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (!done.await(1, TimeUnit.SECONDS)) {
            long count = acked.get();
            if (count != lastCount) {
                lastCount = count;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stallLimit.toNanos()) {
                throw new IllegalStateException("no ack for " + stallLimit.toSeconds() + " s; stalled at " + count
                        + " of " + total + " records");
            }
        }
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
        return completedNanos;
    }
}
