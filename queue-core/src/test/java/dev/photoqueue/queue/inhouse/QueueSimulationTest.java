package dev.photoqueue.queue.inhouse;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link QueueSimulation} over many seeds. {@code -Dsim.crashes=N} sets how many crashes in
 * all (default 2,000: CI's budget is three minutes); {@code -Dsim.seed=S} replays one seed alone,
 * exactly, as the message of a failure prints it; {@code -Dsim.faults=false} leaves out the
 * injected I/O faults.
 */
class QueueSimulationTest {

    private static final int CRASHES_PER_SEED = 20;

    @Test
    void everyGuaranteeHoldsAcrossThousandsOfCrashesPowerLossesAndFaults() {
        boolean faults = Boolean.parseBoolean(System.getProperty("sim.faults", "true"));
        String only = System.getProperty("sim.seed");
        int crashes = Integer.getInteger("sim.crashes", 2_000);
        long start = System.nanoTime();
        List<QueueSimulation.Result> results = new ArrayList<>();
        if (only != null) {
            results.add(new QueueSimulation(Long.parseLong(only), faults).run(Math.min(crashes, CRASHES_PER_SEED)));
        } else {
            long base = Long.getLong("sim.base.seed", 20261206L);
            int done = 0;
            for (long seed = base; done < crashes; seed++) {
                QueueSimulation.Result r = new QueueSimulation(seed, faults).run(Math.min(CRASHES_PER_SEED,
                        crashes - done));
                results.add(r);
                done += r.crashes();
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        int crashed = results.stream().mapToInt(QueueSimulation.Result::crashes).sum();
        System.out.printf("simulation: %d seeds, %d crashes (%d power losses), %d clean restarts, %d injected faults,"
                        + " %d records, %d steps in %d ms%n", results.size(), crashed,
                results.stream().mapToInt(QueueSimulation.Result::powerLosses).sum(),
                results.stream().mapToInt(QueueSimulation.Result::restarts).sum(),
                results.stream().mapToInt(QueueSimulation.Result::faults).sum(),
                results.stream().mapToInt(QueueSimulation.Result::records).sum(),
                results.stream().mapToLong(QueueSimulation.Result::steps).sum(), ms);
        assertTrue(crashed >= Math.min(crashes, CRASHES_PER_SEED), "crashes simulated: " + crashed);
    }

    @Test
    void aSeedReplaysExactly() {
        QueueSimulation.Result first = new QueueSimulation(7L, true).run(10);
        QueueSimulation.Result second = new QueueSimulation(7L, true).run(10);
        assertEquals(first.steps(), second.steps());
        assertEquals(first.traceHash(), second.traceHash(), "two runs of one seed must take the same steps");
    }
}
