package dev.photoqueue.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a loop at a fixed rate against a schedule fixed at the start: the n-th call returns at
 * start + n / rate. A call that comes late returns at once, so an overslept park is made up by the
 * next sends and the average rate holds. Parks rather than spins: on a 2-core machine a spinning
 * producer would take a core from the members it is measuring. Not thread-safe.
 */
final class Pacer {

    private final long intervalNanos;
    private long nextNanos;

    Pacer(double perSecond) {
        this.intervalNanos = Math.round(1e9 / perSecond);
        this.nextNanos = System.nanoTime();
    }

    /** Waits until the next event is due. */
    void awaitNext() {
        for (long wait = nextNanos - System.nanoTime(); wait > 0; wait = nextNanos - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        nextNanos += intervalNanos;
    }
}
