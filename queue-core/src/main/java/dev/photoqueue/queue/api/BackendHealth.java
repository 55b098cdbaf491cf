package dev.photoqueue.queue.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What a backend last knew of its own state: {@code up} when it can serve sends and polls,
 * a {@code detail} for people (the addresses or the data directory it checked, and what failed),
 * and {@code since}, when it last changed between up and down.
 *
 * @param up     whether the backend's last check succeeded
 * @param detail what was checked and, when down, why it failed; never blank
 * @param since  when {@code up} last changed (the backend's start while it never changed)
 */
public record BackendHealth(boolean up, String detail, Instant since) {

    public BackendHealth {
        Objects.requireNonNull(since, "since");
        if (detail == null || detail.isBlank()) {
            throw new IllegalArgumentException("a health detail must not be blank, was \"" + detail + "\"");
        }
    }

    public static BackendHealth up(String detail, Instant since) {
        return new BackendHealth(true, detail, since);
    }

    public static BackendHealth down(String detail, Instant since) {
        return new BackendHealth(false, detail, since);
    }

    /** The health after a check at {@code now}: {@code since} moves only when {@code up} changed. */
    public BackendHealth next(boolean nowUp, String nowDetail, Instant now) {
        return new BackendHealth(nowUp, nowDetail, nowUp == up ? since : now);
    }
}
