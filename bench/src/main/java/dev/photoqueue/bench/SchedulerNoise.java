package dev.photoqueue.bench;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The machine's own wake-up delay, the latency phase's counterpart of {@link DiskWriteRate}: one
 * thread parks for 100 µs many times and the time it oversleeps is recorded. Every record in the
 * latency phase crosses threads (producer, log writer, member) that wait like this, so when other
 * work keeps the cores busy this figure's tail shows up in the latency's tail.
 */
final class SchedulerNoise {

    private static final long PARK_NANOS = 100_000;

    private SchedulerNoise() {
    }

    /** The 99th percentile oversleep of {@code parks} parks of 100 µs, in milliseconds. */
    static double oversleepP99Ms(int parks) {
        long[] over = new long[parks];
        for (int i = 0; i < parks; i++) {
            long start = System.nanoTime();
            LockSupport.parkNanos(PARK_NANOS);
            over[i] = System.nanoTime() - start - PARK_NANOS;
        }
        Arrays.sort(over);
        return over[(int) Math.ceil(0.99 * parks) - 1] / 1e6;
    }
}
