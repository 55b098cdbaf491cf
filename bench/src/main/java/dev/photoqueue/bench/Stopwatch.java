package dev.photoqueue.bench;

/** Wall-clock time of one measured run, from {@link System#nanoTime()}. Not thread-safe. */
final class Stopwatch {

    private final long startNanos;

    private Stopwatch(long startNanos) {
        this.startNanos = startNanos;
    }

    static Stopwatch start() {
        return new Stopwatch(System.nanoTime());
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    double elapsedSeconds() {
        return elapsedNanos() / 1e9;
    }
}
