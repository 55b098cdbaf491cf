package dev.photoqueue.bench;

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

    /** The phase names, in the order they run; {@code --only} selects among them. */
    List<String> phases();

    List<Result> run(BenchOptions options, WorkDir workDir) throws Exception;
}
