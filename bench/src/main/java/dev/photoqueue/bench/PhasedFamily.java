package dev.photoqueue.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A family whose phases each run on their own, with no set-up in common: it lists them once, and
 * the selected ones run in that order. Families whose phases share their set-up implement
 * {@link BenchFamily} directly.
 */
interface PhasedFamily extends BenchFamily {

    /** The phases, in the order they run. */
    List<NamedPhase> namedPhases();

    @Override
    default List<String> phases() {
        return namedPhases().stream().map(NamedPhase::name).toList();
    }

    @Override
    default List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        List<Result> results = new ArrayList<>();
        for (NamedPhase phase : namedPhases()) {
            if (options.runs(phase.name())) {
                results.addAll(phase.phase().run(options, workDir));
            }
        }
        return results;
    }
}
