package dev.photoqueue.queue.env;

/**
 * Runs background tasks one at a time, in the order they fall due: the queue's periodic forces,
 * retention, member expiry and position persists. Production schedulers run on one daemon
 * thread each ({@link Env#system()}); a simulation runs them on virtual time.
 *
 * <p>Guarantee: a task that throws is logged with its name and the exception, and a periodic task
 * keeps its schedule: one failure never silently ends a background duty. Thread-safe.
 */
public interface TaskScheduler extends AutoCloseable {

    /** A periodic task, for cancelling it. */
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} as soon as possible. */
    void execute(String name, Runnable task);

    /** Runs {@code task} once, {@code delayMs} from now. */
    void schedule(String name, Runnable task, long delayMs);

    /** Runs {@code task} every {@code delayMs} after the end of its previous run, the first after {@code initialDelayMs}. */
    Cancellable scheduleWithFixedDelay(String name, Runnable task, long initialDelayMs, long delayMs);

    /**
     * Stops: periodic tasks end, one-off tasks still pending run now on the calling thread (they
     * release resources, such as deleted segments' files), and a task running now is waited for.
     */
    @Override
    void close();
}
