package dev.photoqueue.upload.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Decides whether one more async upload may queue its job, exactly under any number of concurrent
 * uploads: an upload is admitted only while the jobs waiting now (read from the queue at that
 * moment) plus the uploads admitted before it and still sending their job stay under
 * {@code maxBacklog}. Only this decision is serialised; receiving, checking and staging the file
 * happen before it, in parallel, and the send after it.
 *
 * <p>An admitted upload holds its {@link Place} until its job's send has completed: by then the
 * queue either counts the job among those waiting (a send is acknowledged once the record is
 * readable) or stored nothing. In between, a job can be counted both ways; an upload that would be
 * refused only because of uploads still sending waits for their sends to complete (at most
 * {@code maxWait}, after which it counts them as queued) rather than be refused for jobs that may
 * never exist. A refusal throws {@link UploadRejectedException} with reason {@code BACKLOG_FULL}.
 *
 * <p>Thread-safe.
 */
final class BacklogAdmission {

    private final LongSupplier jobsWaiting;
    private final LongSupplier maxBacklog;
    private final Duration maxWait;
    private final int retryAfterSeconds;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever an admitted upload's send completes. */
    private final Condition sendCompleted = lock.newCondition();
    /** Admitted uploads whose job's send has not completed; guarded by {@link #lock}. */
    private long sending;

    /**
     * @param jobsWaiting jobs the workers have not finished, read fresh on every call (never cached:
     *                    a stale count lets a burst through)
     * @param maxBacklog  the limit now
     * @param maxWait     longest wait for other uploads' sends when they decide the answer
     */
    BacklogAdmission(LongSupplier jobsWaiting, LongSupplier maxBacklog, Duration maxWait, int retryAfterSeconds) {
        this.jobsWaiting = jobsWaiting;
        this.maxBacklog = maxBacklog;
        this.maxWait = maxWait;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * One admitted upload's place in the backlog. Once its job's send is made, the send holds it
     * ({@link #heldUntil}) and gives it back when it completes, whatever happens to the upload;
     * an upload that ends before its send gives it back with {@link #releaseUnlessSending}. Used
     * by the upload's thread; the release may come from the thread completing the send.
     */
    final class Place {

        private final AtomicBoolean released = new AtomicBoolean();
        private boolean sending;

        private Place() {
        }

        /** From now on the place is given back when {@code send} completes, either way. */
        void heldUntil(CompletableFuture<?> send) {
            sending = true;
            send.whenComplete((result, failure) -> release());
        }

        /** Gives the place back unless a send holds it; for an upload that ends without sending its job. */
        void releaseUnlessSending() {
            if (!sending) {
                release();
            }
        }

        private void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            lock.lock();
            try {
                BacklogAdmission.this.sending--;
                sendCompleted.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** A place for the job of {@code photoId}, or {@link UploadRejectedException} (BACKLOG_FULL). */
    Place admit(String photoId) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            while (true) {
                long waiting = jobsWaiting.getAsLong();
                long limit = maxBacklog.getAsLong();
                if (waiting + sending < limit) {
                    sending++;
                    return new Place();
                }
                long left = deadline - System.nanoTime();
                if (waiting >= limit || left <= 0) {
                    throw full(waiting, limit);
                }
                try {
                    sendCompleted.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE, "interrupted "
                            + "while photo " + photoId + " waited for " + sending + " uploads to finish queueing",
                            retryAfterSeconds, e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private UploadRejectedException full(long waiting, long limit) {
        String queueing = sending > 0 ? " (and " + sending + " more being queued)" : "";
        return new UploadRejectedException(UploadRejectedException.Reason.BACKLOG_FULL, "the thumbnail workers have "
                + waiting + (waiting == 1 ? " job" : " jobs") + " waiting" + queueing + ", the maximum backlog is "
                + limit, retryAfterSeconds, null);
    }

    /** Admitted uploads whose send has not completed; for tests. */
    long sending() {
        lock.lock();
        try {
            return sending;
        } finally {
            lock.unlock();
        }
    }
}
