package dev.photoqueue.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one phase the same way every time: one unmeasured warm-up round, then the measured rounds,
 * each printed as it finishes so a noisy round is visible. The caller's round does its own setup
 * and times only the work it measures.
 */
final class Rounds {

    /** One round of {@code size} units of work (records); returns the round's figure. */
    @FunctionalInterface
    interface Round {
        double run(long size, boolean measured) throws Exception;
    }

    private Rounds() {
    }

    static Stats measure(String phase, Unit unit, long warmupSize, long roundSize, int rounds, Round round)
            throws Exception {
        System.gc();
        double warm = round.run(warmupSize, false);
        System.out.printf("[%s] warm-up (%,d records): %s%n", phase, warmupSize, unit.format(warm));
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            System.gc();
            double value = round.run(roundSize, true);
            values.add(value);
            System.out.printf("[%s] round %d/%d (%,d records): %s%n", phase, i, rounds, roundSize, unit.format(value));
        }
        return Stats.of(values);
    }
}
