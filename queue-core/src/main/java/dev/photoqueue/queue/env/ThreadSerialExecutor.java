package dev.photoqueue.queue.env;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@link SerialExecutor} on one daemon thread draining a queue: one enqueue per task, nothing else. */
final class ThreadSerialExecutor implements SerialExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadSerialExecutor.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    /** Queued by {@link #close} after everything else, so the thread drains the queue and stops. */
    private static final Runnable STOP = () -> { };

    private final String name;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    ThreadSerialExecutor(String name) {
        this.name = name;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            runGuarded(task);
            return;
        }
        tasks.add(task);
    }

    private void run() {
        while (true) {
            Runnable next;
            try {
                next = tasks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == STOP) {
                return;
            }
            runGuarded(next);
        }
    }

    /** A task that throws, even an error, must not end the thread: every later task would wait for good. */
    private void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("{}: a task failed; the next one runs", name, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        tasks.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runnable left;
        while ((left = tasks.poll()) != null) {
            if (left != STOP) {
                runGuarded(left);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
