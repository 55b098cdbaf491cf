package dev.photoqueue.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A family of benchmarks run by {@code Bench <family>}, e.g. {@code log}. A family runs the
 * phases the options select, each on fresh data under {@code workDir}, and returns one or more
 * table rows per phase. To add a family, implement this and register it in {@link Bench}.
 */
interface BenchFamily {

    String name();

    /** One line for the usage text. */
    String description();

    /**
     * The phases, in the order they run, for a family that runs each on its own; a family whose
     * phases share their set-up overrides {@link #phases()} and {@link #run} instead.
     */
    default List<NamedPhase> namedPhases() {
        throw new UnsupportedOperationException("family " + name() + " runs its phases itself");
    }

    /** The phase names, in the order they run; {@code --only} selects among them. */
    default List<String> phases() {
        return namedPhases().stream().map(NamedPhase::name).toList();
    }

    /** Runs the phases the options select, in their order, and returns their rows in that order. */
    default List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        List<Result> results = new ArrayList<>();
        for (NamedPhase phase : namedPhases()) {
            if (options.runs(phase.name())) {
                results.addAll(phase.phase().run(options, workDir));
            }
        }
        return results;
    }

    /** One phase of a family: its rows, measured on fresh data under {@code workDir}. */
    @FunctionalInterface
    interface Phase {
        List<Result> run(BenchOptions options, WorkDir workDir) throws Exception;
    }

    /** A phase with the name {@code --only} selects it by. */
    record NamedPhase(String name, Phase phase) {
    }
}
