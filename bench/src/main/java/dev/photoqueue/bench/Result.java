package dev.photoqueue.bench;

/**
 * One row of the final table: a figure, the target it is judged against (its median), and notes.
 * A row without a target ({@code target} NaN) is for information, e.g. the disk's own rate.
 *
 * @param atMost true when the figure must stay below the target (heap), false when it must reach it
 * @param failed set when the phase could not produce a valid figure (e.g. the child JVM died);
 *               the row then fails whatever the figure
 */
record Result(String phase, Stats stats, Unit unit, double target, boolean atMost, boolean failed, String notes) {

    static Result atLeast(String phase, Stats stats, Unit unit, double target, String notes) {
        return new Result(phase, stats, unit, target, false, false, notes);
    }

    static Result atMost(String phase, Stats stats, Unit unit, double target, String notes) {
        return new Result(phase, stats, unit, target, true, false, notes);
    }

    static Result info(String phase, Stats stats, Unit unit, String notes) {
        return new Result(phase, stats, unit, Double.NaN, false, false, notes);
    }

    boolean hasTarget() {
        return !Double.isNaN(target);
    }

    boolean passed() {
        if (failed) {
            return false;
        }
        return atMost ? stats.median() < target : stats.median() >= target;
    }

    String verdict() {
        if (!hasTarget()) {
            return failed ? "FAIL" : "info";
        }
        return passed() ? "PASS" : "FAIL";
    }

    String targetText() {
        return hasTarget() ? (atMost ? "< " : ">= ") + unit.format(target) : "-";
    }
}
