package dev.photoqueue.bench;

import java.util.List;

/**
 * A family of benchmarks run by {@code Bench <family>}, e.g. {@code log}. A family runs the
 * phases the options select, each on fresh data under {@code workDir}, and returns one or more
 * table rows per phase. To add a family, implement this (or {@link PhasedFamily}, when each phase
 * runs on its own) and register it in {@link Bench}.
 */
interface BenchFamily {

    String name();

    /** One line for the usage text. */
    String description();

    /** The phase names, in the order they run; {@code --only} selects among them. */
    List<String> phases();

    /** Runs the phases the options select, in their order, and returns their rows in that order. */
    List<Result> run(BenchOptions options, WorkDir workDir) throws Exception;

    /** One phase of a family: its rows, measured on fresh data under {@code workDir}. */
    @FunctionalInterface
    interface Phase {
        List<Result> run(BenchOptions options, WorkDir workDir) throws Exception;
    }

    /** A phase with the name {@code --only} selects it by. */
    record NamedPhase(String name, Phase phase) {
    }
}
