package dev.photoqueue.queue.env;

/**
 * Runs tasks one at a time, in the order they were given, as soon as it can: the hot path of the
 * log's writer, where a {@link TaskScheduler}'s timers would cost more than the work. Production
 * executors own one daemon thread; a simulation runs each task on the caller's thread. A task that
 * throws is logged and the next one runs. Thread-safe.
 */
public interface SerialExecutor extends AutoCloseable {

    void execute(Runnable task);

    /** Runs every task given so far, then stops; tasks given after this run on the caller's thread. */
    @Override
    void close();
}
