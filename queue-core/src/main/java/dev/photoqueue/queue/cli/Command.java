package dev.photoqueue.queue.cli;

import java.util.Set;

/** One {@code pq} command. Implementations are stateless; {@link #run} does the work of one invocation. */
interface Command {

    /** The word that selects the command: {@code pq <name> ...}. */
    String name();

    /** The options it accepts besides {@code --data-dir} and {@code --help}. */
    Set<Option> options();

    /**
     * What its one positional argument is, as a noun for messages ("group id"), or null when it
     * takes none. {@code pq describe-group G} has one; most commands have options only.
     */
    default String operand() {
        return null;
    }

    /**
     * Runs with checked-in-advance options. Returns the exit status, or throws
     * {@link UsageException}, {@link CommandFailedException} or a queue error for {@link Pq} to report.
     */
    int run(Arguments args, Terminal terminal);
}
