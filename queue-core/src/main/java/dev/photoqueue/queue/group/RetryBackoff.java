package dev.photoqueue.queue.group;

/**
 * How long a released record waits before it is delivered again: exponential in its delivery
 * count ({@code base}, {@code 2 base}, {@code 4 base}, ... up to {@code max}), spread by a jitter of
 * {@value #JITTER} either way so members that failed together do not retry together. Immutable.
 */
record RetryBackoff(long baseMs, long maxMs) {

    /** The fraction by which a delay is spread either way. */
    static final double JITTER = 0.2;

    RetryBackoff {
        if (baseMs < 0 || maxMs < baseMs) {
            throw new IllegalArgumentException("retry backoff needs 0 <= base <= max, was base " + baseMs
                    + " ms, max " + maxMs + " ms");
        }
    }

    /** The delay before the next delivery of a record released after delivery {@code deliveryCount}, without jitter. */
    long nominalMs(int deliveryCount) {
        int doublings = Math.max(0, Math.min(deliveryCount - 1, 62));
        long delay = baseMs;
        for (int i = 0; i < doublings && delay < maxMs; i++) {
            delay *= 2;
        }
        return Math.min(delay, maxMs);
    }

    /** The nominal delay spread by {@code random} in [0, 1): 0 gives -20 %, towards 1 gives +20 %. */
    long delayMs(int deliveryCount, double random) {
        double factor = 1 - JITTER + 2 * JITTER * random;
        return Math.round(nominalMs(deliveryCount) * factor);
    }
}
