package dev.photoqueue.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One phase of the {@code log} family on the in-house log and on its peer, in turns within each
 * round (the side that goes first alternates round by round, so neither always meets the machine
 * warmer or colder), keeping each side's rate and its cost per record ({@link CostMeter}).
 * Not thread-safe: the benchmark thread drives it.
 */
final class SideBySide {

    /** One side's round: its rate and what the timed part cost. */
    record Measured(double recordsPerSecond, CostMeter.PerRecord cost) {
    }

    /** Runs one side's round of {@code size} records, timing only the records' part. */
    @FunctionalInterface
    interface Side {
        Measured run(long size) throws Exception;
    }

    private final String phase;
    private final String peerName;
    private final List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
    private final List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
    private final List<List<Double>> allocated = List.of(new ArrayList<>(), new ArrayList<>());
    private final List<List<Double>> gc = List.of(new ArrayList<>(), new ArrayList<>());
    private int round;

    SideBySide(String phase, String peerName) {
        this.phase = phase;
        this.peerName = peerName;
    }

    /** Runs both sides once, prints both, keeps them when {@code measured}; returns own rate over the peer's. */
    double round(long size, boolean measured, Side own, Side peer) throws Exception {
        round++;
        Measured[] sides = new Measured[2];
        if (round % 2 == 1) {
            sides[0] = own.run(size);
            sides[1] = peer.run(size);
        } else {
            sides[1] = peer.run(size);
            sides[0] = own.run(size);
        }
        System.out.printf(Locale.ROOT, "[%s] in-house %s (%s); %s %s (%s)%n", phase,
                Unit.RECORDS_PER_SECOND.format(sides[0].recordsPerSecond()), sides[0].cost(), peerName,
                Unit.RECORDS_PER_SECOND.format(sides[1].recordsPerSecond()), sides[1].cost());
        if (measured) {
            for (int i = 0; i < 2; i++) {
                rates.get(i).add(sides[i].recordsPerSecond());
                cpu.get(i).add(sides[i].cost().cpuNanos());
                allocated.get(i).add(sides[i].cost().allocatedBytes());
                gc.get(i).add((double) sides[i].cost().gcMillis());
            }
        }
        return sides[0].recordsPerSecond() / sides[1].recordsPerSecond();
    }

    Stats ownRates() {
        return Stats.of(rates.get(0));
    }

    /** The peer's rate and both sides' costs, as info rows. */
    List<Result> infoRows(String peerNote) {
        return List.of(
                Result.info(phase + " " + peerName, Stats.of(rates.get(1)), Unit.RECORDS_PER_SECOND, peerNote),
                Result.info(phase + " CPU in-house", Stats.of(cpu.get(0)), Unit.CPU_NANOS_PER_RECORD,
                        "process CPU time (all threads, GC included) over the timed part"),
                Result.info(phase + " CPU " + peerName, Stats.of(cpu.get(1)), Unit.CPU_NANOS_PER_RECORD, "same"),
                Result.info(phase + " alloc in-house", Stats.of(allocated.get(0)), Unit.BYTES_PER_RECORD,
                        "heap bytes allocated by the live threads over the timed part"),
                Result.info(phase + " alloc " + peerName, Stats.of(allocated.get(1)), Unit.BYTES_PER_RECORD,
                        "same"),
                Result.info(phase + " GC in-house", Stats.of(gc.get(0)), Unit.MILLISECONDS,
                        "per round: time in garbage collections over the timed part (young pauses, as a rule)"),
                Result.info(phase + " GC " + peerName, Stats.of(gc.get(1)), Unit.MILLISECONDS, "same"));
    }

    /** Times {@code work} over {@code size} records, with its cost. */
    static Measured time(long size, ThrowingRunnable work) throws Exception {
        CostMeter.Snapshot before = CostMeter.now();
        Stopwatch stopwatch = Stopwatch.start();
        work.run();
        double seconds = stopwatch.elapsedSeconds();
        return new Measured(size / seconds, CostMeter.since(before, size));
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
