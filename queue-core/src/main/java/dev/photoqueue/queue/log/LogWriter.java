package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.SerialExecutor;

/**
 * Writes partitions' open batches: a partition schedules itself when its open batch gets its
 * first record, and the writer drains it at once. While the writer is busy with one batch,
 * senders fill the next, so batches grow with load (group commit) and stay single records when
 * the load is light (low latency). One writer, one thread of its own, serves every partition of
 * a data directory; a failed batch has already failed its sends, and the writer goes on.
 */
final class LogWriter implements AutoCloseable {

    private final SerialExecutor thread;

    LogWriter(SerialExecutor thread) {
        this.thread = thread;
    }

    /** Called once per batch, by the sender that opened it. */
    void schedule(GroupCommit commit) {
        thread.execute(commit.drainTask());
    }

    /** Writes everything scheduled so far, then stops. */
    @Override
    public void close() {
        thread.close();
    }
}
