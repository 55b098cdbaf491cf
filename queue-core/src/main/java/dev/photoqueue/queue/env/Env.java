package dev.photoqueue.queue.env;

import java.time.Clock;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What the in-house queue takes from its machine: files, the wall clock (record timestamps,
 * segment age, retention), the monotonic clock (session timeouts, lock expiry, back-off) and
 * background schedulers.
 *
 * @param files      every durable write goes through it
 * @param clock      wall time
 * @param nanoTime   monotonic time, on the {@link System#nanoTime} scale
 * @param schedulers makes a new scheduler, named for what runs on it (its thread's name)
 * @param executors  makes a new serial executor for a hot path (the log's writer), named likewise
 */
public record Env(FileIO files, Clock clock, LongSupplier nanoTime, Function<String, TaskScheduler> schedulers,
                  Function<String, SerialExecutor> executors) {

    private static final Env SYSTEM = new Env(FileIO.local(), Clock.systemUTC(), System::nanoTime,
            ThreadTaskScheduler::new, ThreadSerialExecutor::new);

    /** The real machine: the local file system, the system clocks, one daemon thread per scheduler. */
    public static Env system() {
        return SYSTEM;
    }

    public Env withFiles(FileIO newFiles) {
        return new Env(newFiles, clock, nanoTime, schedulers, executors);
    }

    public Env withClock(Clock newClock) {
        return new Env(files, newClock, nanoTime, schedulers, executors);
    }

    public long nanos() {
        return nanoTime.getAsLong();
    }

    public TaskScheduler newScheduler(String name) {
        return schedulers.apply(name);
    }

    public SerialExecutor newExecutor(String name) {
        return executors.apply(name);
    }
}
