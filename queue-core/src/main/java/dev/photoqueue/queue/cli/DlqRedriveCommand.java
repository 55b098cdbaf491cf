package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.QueueBackend;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.function.Predicate;

import static dev.photoqueue.queue.cli.DlqCommand.header;

/**
 * {@code pq dlq redrive --topic T (--all | --offset P:O)}: sends the dead letters of T (or the one
 * that came from partition P, offset O of T) back to where they came from, at most
 * {@link #REDRIVE_RATE} a second; each is redriven once.
 */
@Command(name = "redrive", header = "Sends dead letters back to their original partition.",
        description = {
            "Sends every dead letter of T (or the one from partition P, offset O of T) back to its original "
                    + "partition as a new record, with a fresh delivery count. Each dead letter is redriven once. "
                    + "Exit status 1 when --offset names none that waits."})
final class DlqRedriveCommand extends QueueCommand {

    /** Records a second pq redrives at most: a burst that does not swamp a live consumer. */
    static final double REDRIVE_RATE = 1000;

    /** Which dead letters: exactly one of these. */
    static final class Selection {
        @Option(names = "--all", arity = "0", description = "every dead letter of T")
        boolean all;

        @Option(names = "--offset", paramLabel = "P:O", converter = Converters.PartitionOffset.class,
                description = "the one that came from partition P, offset O of T")
        Converters.Position original;
    }

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.TopicName.class,
            description = "the topic whose dead letters to redrive (or its T.dlq)")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nWhich (one of):%n")
    Selection selection;

    DlqRedriveCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        String dlq = DlqCommand.dlqTopic(topic);
        Predicate<ConsumerRecord> which = selection.all ? r -> true : from(selection.original);
        try (QueueBackend backend = queue.open(true)) {
            long redriven = DlqCommand.exists(backend.admin(), dlq)
                    ? backend.admin().redriveAll(dlq, which, REDRIVE_RATE) : 0;
            // --offset names one dead letter: none redriven is its error alone, not a count of nothing first.
            if (redriven == 0 && selection.original != null) {
                throw new CommandFailedException(Pq.EXIT_FAILED, "no dead letter of " + topic + " from "
                        + selection.original + " waits in " + dlq);
            }
            terminal.err().println("redrove " + Text.records(redriven) + " from " + dlq);
            return Pq.EXIT_OK;
        }
    }

    private static Predicate<ConsumerRecord> from(Converters.Position original) {
        String partition = Integer.toString(original.partition());
        String offset = Long.toString(original.offset());
        return r -> partition.equals(header(r, DeadLetters.PARTITION)) && offset.equals(header(r, DeadLetters.OFFSET));
    }
}
