package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.UnknownGroupException;
import dev.photoqueue.queue.api.UnknownTopicException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * A pq command that works on a queue ({@link QueueLocation}): picocli has parsed and typed its
 * options before {@link #run} is called; checks across options that picocli cannot express are
 * {@link #usageError}s thrown before the queue is opened, so a bad command line never touches the
 * data directory. A topic or group the queue does not know ends the command with exit status 1 and
 * a message naming where it was looked for.
 */
abstract class QueueCommand implements Callable<Integer> {

    final Terminal terminal;

    /** The queue given to this command; {@link #queue} is the one it works on. */
    @Mixin
    QueueLocation options;

    @Spec
    CommandSpec spec;

    /** Where the queue is, set when the command is called: its own options or its parent's. */
    QueueLocation queue;

    QueueCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public final Integer call() {
        queue = location();
        try {
            return run();
        } catch (UnknownTopicException e) {
            // The API's message suggests enabling automatic creation, which is no advice for pq.
            throw new CommandFailedException(Pq.EXIT_FAILED, "unknown topic \"" + e.topic() + "\" in " + queue.where());
        } catch (UnknownGroupException e) {
            throw new CommandFailedException(Pq.EXIT_FAILED, "unknown consumer group \"" + e.groupId() + "\" in "
                    + queue.where());
        }
    }

    /**
     * The queue as given to this command, or to the command it belongs to
     * ({@code pq dlq --data-dir D list}); a usage error when given to both.
     */
    private QueueLocation location() {
        CommandSpec parent = spec.parent();
        if (parent != null) {
            for (CommandSpec mixin : parent.mixins().values()) {
                if (mixin.userObject() instanceof QueueLocation inherited && inherited.given()) {
                    if (options.given()) {
                        throw usageError("give the queue (--data-dir or --bootstrap-server) once, to "
                                + parent.name() + " or to " + parent.name() + " " + spec.name());
                    }
                    return inherited;
                }
            }
        }
        return options;
    }

    /** Does the command's work; returns the exit status. */
    abstract int run();

    /** A command line that is wrong as a whole: exit status 2, as for a parse error. */
    ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
