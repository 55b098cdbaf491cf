package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.QueueBackend;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code pq dlq list --topic T}: the dead letters of T not yet redriven, one row each with where
 * the record came from, its delivery count, when it was dead-lettered and the last error.
 * {@code pq dlq redrive --topic T (--all | --offset P:O)}: sends them (or the one that came from
 * partition P, offset O of T) back to where they came from; each is redriven once.
 */
final class DlqCommand implements Command {

    private static final List<String> HEADER =
            List.of("DLQ-OFFSET", "TOPIC", "PARTITION", "OFFSET", "DELIVERIES", "DEAD-LETTERED", "ERROR");
    /** Records a second pq redrives at most: a burst that does not swamp a live consumer. */
    static final double REDRIVE_RATE = 1000;

    @Override
    public String name() {
        return "dlq";
    }

    @Override
    public Set<Option> options() {
        return EnumSet.of(Option.TOPIC, Option.ALL, Option.OFFSET);
    }

    @Override
    public String operand() {
        return "action (list or redrive)";
    }

    @Override
    public int run(Arguments args, Terminal terminal) {
        String action = args.operand();
        if (!action.equals("list") && !action.equals("redrive")) {
            throw new UsageException("dlq takes list or redrive, not '" + action + "'");
        }
        String topic = args.required(Option.TOPIC);
        String dlq = topic.endsWith(DeadLetters.SUFFIX) ? topic : DeadLetters.topicFor(topic);
        Predicate<ConsumerRecord> which = action.equals("redrive") ? selection(args) : null;
        try (QueueBackend backend = DataDirectory.open(args, true)) {
            if (which == null) {
                list(backend.admin().deadLetters(dlq), dlq, terminal);
                return Pq.EXIT_OK;
            }
            long redriven = backend.admin().redriveAll(dlq, which, REDRIVE_RATE);
            terminal.err().println("redrove " + Text.records(redriven) + " from " + dlq);
            if (redriven == 0 && args.has(Option.OFFSET)) {
                throw new CommandFailedException(Pq.EXIT_FAILED, "no dead letter of " + topic + " from "
                        + args.required(Option.OFFSET) + " waits in " + dlq);
            }
            return Pq.EXIT_OK;
        }
    }

    /** The dead letters to redrive: all, or the one from partition P, offset O. */
    private static Predicate<ConsumerRecord> selection(Arguments args) {
        if (args.has(Option.ALL) == args.has(Option.OFFSET)) {
            throw new UsageException("dlq redrive needs exactly one of --all and --offset P:O");
        }
        if (args.has(Option.ALL)) {
            return r -> true;
        }
        String value = args.required(Option.OFFSET);
        String[] parts = value.split(":", -1);
        String partition;
        String offset;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            partition = String.valueOf(Integer.parseInt(parts[0].trim()));
            offset = String.valueOf(Long.parseLong(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new UsageException(Option.OFFSET + " must be PARTITION:OFFSET of the original record, got '"
                    + value + "'");
        }
        return r -> partition.equals(header(r, DeadLetters.PARTITION)) && offset.equals(header(r, DeadLetters.OFFSET));
    }

    private static void list(List<ConsumerRecord> letters, String dlq, Terminal terminal) {
        if (letters.isEmpty()) {
            terminal.err().println("no dead letters wait in " + dlq);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (ConsumerRecord r : letters) {
            String at = header(r, DeadLetters.DEAD_LETTERED_AT);
            String error = header(r, DeadLetters.ERROR);
            rows.add(List.of(Long.toString(r.offset()), orNone(header(r, DeadLetters.TOPIC)),
                    orNone(header(r, DeadLetters.PARTITION)), orNone(header(r, DeadLetters.OFFSET)),
                    orNone(header(r, DeadLetters.DELIVERY_COUNT)),
                    at == null ? Table.NONE : Instant.ofEpochMilli(Long.parseLong(at)).toString(),
                    error == null ? Table.NONE : error.replaceAll("\\s+", " ")));
        }
        Table.print(HEADER, rows, terminal.out());
    }

    private static String header(ConsumerRecord r, String key) {
        Header h = r.header(key);
        return h == null ? null : h.valueAsString();
    }

    private static String orNone(String value) {
        return value == null ? Table.NONE : value;
    }
}
