package dev.photoqueue.queue.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The thread that writes partitions' open batches: a partition schedules itself when its open
 * batch gets its first record, and the writer drains it at once. While the writer is busy with one
 * batch, senders fill the next, so batches grow with load (group commit) and stay single records
 * when the load is light (low latency). One writer serves every partition of a data directory.
 */
final class LogWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    /** Wakes the thread on close, so closing does not wait out an idle poll. */
    private static final Runnable STOP = () -> { };

    private final LinkedBlockingQueue<Runnable> ready = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    LogWriter(String name) {
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Called under the partition's append lock, once per batch. */
    void schedule(PartitionLog partition) {
        ready.add(partition::drain);
    }

    private void run() {
        while (running || !ready.isEmpty()) {
            try {
                ready.take().run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The batch's sends were already failed with this error; keep serving the others.
                LOG.error("log writer: {}", e.toString());
            }
        }
    }

    /** Writes everything scheduled so far, then stops. */
    @Override
    public void close() {
        running = false;
        ready.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
