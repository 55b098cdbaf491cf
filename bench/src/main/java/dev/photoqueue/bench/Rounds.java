package dev.photoqueue.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    /** One side's round of {@code size} records; returns its rate in records per second. */
    @FunctionalInterface
    interface Rate {
        double run(long size) throws Exception;
    }

    /** Two sides' rates over the measured rounds, and their ratio round by round. */
    record InTurns(Stats first, Stats second, Stats ratio) {
    }

    private Rounds() {
    }

    /**
     * Runs {@code first} then {@code second} in every round, each printed with its name; the
     * round's figure is first over second, so both sides of a ratio meet the same machine.
     */
    static InTurns inTurns(String phase, String firstName, Rate first, String secondName, Rate second,
                           long warmupSize, long roundSize, int rounds) throws Exception {
        List<Double> firsts = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        Stats ratio = measure(phase + " ratio", Unit.RATIO, warmupSize, roundSize, rounds, (size, measured) -> {
            double a = first.run(size);
            double b = second.run(size);
            System.out.printf(Locale.ROOT, "[%s] %s %s, %s %s%n", phase, firstName, Unit.RECORDS_PER_SECOND.format(a),
                    secondName, Unit.RECORDS_PER_SECOND.format(b));
            if (measured) {
                firsts.add(a);
                seconds.add(b);
            }
            return a / b;
        });
        return new InTurns(Stats.of(firsts), Stats.of(seconds), ratio);
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
