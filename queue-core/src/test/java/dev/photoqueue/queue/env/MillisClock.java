package dev.photoqueue.queue.env;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A UTC clock that reads the test's own time: each call asks {@code millis} for the epoch
 * milliseconds, so it moves exactly when that time does. Thread-safe if {@code millis} is.
 * {@link #withZone} returns the same clock: the code under test reads instants, not zones.
 */
public class MillisClock extends Clock {

    private final LongSupplier millis;

    public MillisClock(LongSupplier millis) {
        this.millis = millis;
    }

    @Override
    public final long millis() {
        return millis.getAsLong();
    }

    @Override
    public final Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public final ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public final Clock withZone(ZoneId zone) {
        return this;
    }
}
