package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.MillisClock;

import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand, for segment age and retention. Thread-safe. */
public final class MutableClock extends MillisClock {

    private final AtomicLong millis;

    public MutableClock(long startMillis) {
        this(new AtomicLong(startMillis));
    }

    private MutableClock(AtomicLong millis) {
        super(millis::get);
        this.millis = millis;
    }

    public void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }
}
