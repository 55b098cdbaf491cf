package dev.photoqueue.queue.group;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The wait before a released record comes again doubles with each delivery, up to the maximum, spread by +-20 %. */
class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(100, 1_000);

    @Test
    void doublesWithEachDeliveryUpToTheMaximum() {
        assertEquals(100, backoff.nominalMs(1));
        assertEquals(200, backoff.nominalMs(2));
        assertEquals(400, backoff.nominalMs(3));
        assertEquals(800, backoff.nominalMs(4));
        assertEquals(1_000, backoff.nominalMs(5));
        assertEquals(1_000, backoff.nominalMs(Integer.MAX_VALUE), "no overflow");
        assertEquals(100, backoff.nominalMs(0), "a count of 0 (not counted) waits the base");
    }

    @Test
    void jitterSpreadsTheDelayByTwentyPercentEitherWay() {
        assertEquals(160, backoff.delayMs(2, 0.0));
        assertEquals(200, backoff.delayMs(2, 0.5));
        assertEquals(240, backoff.delayMs(2, 1.0));
        assertEquals(0, new RetryBackoff(0, 0).delayMs(7, 0.9), "no backoff configured");
    }

    @Test
    void rejectsAMaximumBelowTheBase() {
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(100, 50));
        assertThrows(IllegalArgumentException.class, () -> new RetryBackoff(-1, 50));
    }
}
