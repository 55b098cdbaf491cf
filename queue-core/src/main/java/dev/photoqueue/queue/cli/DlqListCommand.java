package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.QueueBackend;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.photoqueue.queue.cli.DlqCommand.header;

/**
 * {@code pq dlq list --topic T}: the dead letters of T not yet redriven, one table row each with
 * its own offset in T.dlq, where the record came from, its delivery count, when it was
 * dead-lettered and the last error.
 */
@Command(name = "list", header = "Lists the dead letters of a topic not yet redriven.",
        description = {
            "One row each: DLQ-OFFSET (the dead letter's own offset in T.dlq), the original TOPIC, PARTITION and "
                    + "OFFSET, DELIVERIES, when it was DEAD-LETTERED (UTC) and the last ERROR."})
final class DlqListCommand extends QueueCommand {

    private static final List<String> HEADER =
            List.of("DLQ-OFFSET", "TOPIC", "PARTITION", "OFFSET", "DELIVERIES", "DEAD-LETTERED", "ERROR");

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.NonEmpty.class,
            description = "the topic whose dead letters to list (or its T.dlq)")
    String topic;

    DlqListCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        String dlq = DlqCommand.dlqTopic(topic);
        try (QueueBackend backend = queue.open(true)) {
            List<ConsumerRecord> letters = backend.admin().deadLetters(dlq);
            if (letters.isEmpty()) {
                terminal.err().println("no dead letters wait in " + dlq);
                return Pq.EXIT_OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (ConsumerRecord r : letters) {
                rows.add(row(r));
            }
            Table.print(HEADER, rows, terminal.out());
            return Pq.EXIT_OK;
        }
    }

    private static List<String> row(ConsumerRecord r) {
        String at = header(r, DeadLetters.DEAD_LETTERED_AT);
        String error = header(r, DeadLetters.ERROR);
        return List.of(Long.toString(r.offset()), orNone(header(r, DeadLetters.TOPIC)),
                orNone(header(r, DeadLetters.PARTITION)), orNone(header(r, DeadLetters.OFFSET)),
                orNone(header(r, DeadLetters.DELIVERY_COUNT)),
                at == null ? Table.NONE : Instant.ofEpochMilli(Long.parseLong(at)).toString(),
                error == null ? Table.NONE : error.replaceAll("\\s+", " "));
    }

    private static String orNone(String value) {
        return value == null ? Table.NONE : value;
    }
}
