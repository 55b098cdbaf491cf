package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.BytesPreview;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.QueueBackend;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static dev.photoqueue.queue.cli.DlqCommand.header;

/**
 * {@code pq dlq list --topic T}: the dead letters of T not yet redriven, one table row each: its
 * own offset in T.dlq (what {@code dlq show} takes), where the record came from, its delivery
 * count, when it was dead-lettered, the last error, and the record itself: key, own headers and a
 * preview of the value ({@link BytesPreview}'s text or hex, cut short).
 */
@Command(name = "list", header = "Lists the dead letters of a topic not yet redriven.",
        description = {
            "One row each: DLQ-OFFSET (the dead letter's own offset in T.dlq, which dlq show takes), the original "
                    + "TOPIC, PARTITION and OFFSET, DELIVERIES, when it was DEAD-LETTERED (UTC), the last ERROR, "
                    + "then the record: KEY, its own HEADERS (name=value, comma-separated; the pq.dlq.* ones are "
                    + "the columns before, and dlq show prints them all) and a preview of its VALUE.",
            "",
            "Text (UTF-8 without control characters but tab and line breaks) is quoted, with \\n, \\t, \\\" "
                    + "and \\\\ escaped; binary is 0x and its first bytes in hex, then its size. A preview "
                    + "cut short ends with \u2026; a missing key, value or header set shows as -."})
final class DlqListCommand extends QueueCommand {

    /** How much of a key, value or header a row shows: the table stays readable in a terminal. */
    static final int PREVIEW_CHARS = 60;
    static final int PREVIEW_BYTES = 16;

    private static final List<String> HEADER = List.of("DLQ-OFFSET", "TOPIC", "PARTITION", "OFFSET", "DELIVERIES",
            "DEAD-LETTERED", "ERROR", "KEY", "HEADERS", "VALUE");

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.TopicName.class,
            description = "the topic whose dead letters to list (or its T.dlq)")
    String topic;

    DlqListCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        String dlq = DlqCommand.dlqTopic(topic);
        try (QueueBackend backend = queue.open(true)) {
            List<ConsumerRecord> letters = DlqCommand.deadLetters(backend.admin(), dlq);
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
                at == null ? Table.NONE : time(at),
                error == null ? Table.NONE : error.replaceAll("\\s+", " "),
                preview(r.key()), ownHeaders(r), preview(r.value()));
    }

    /** The headers the record had before it was dead-lettered: those a redrive sends back with it. */
    private static String ownHeaders(ConsumerRecord r) {
        StringJoiner joined = new StringJoiner(",");
        for (Header h : r.headers()) {
            if (!h.key().startsWith(DeadLetters.HEADER_PREFIX)) {
                joined.add(h.key() + "=" + preview(h.value()));
            }
        }
        return joined.length() == 0 ? Table.NONE : joined.toString();
    }

    private static String preview(byte[] bytes) {
        return bytes == null ? Table.NONE : Text.quote(BytesPreview.of(bytes, PREVIEW_CHARS, PREVIEW_BYTES));
    }

    /** Epoch milliseconds as an ISO time; a header that holds no number (not written by the queue) says so. */
    private static String time(String epochMillis) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(epochMillis.trim())).toString();
        } catch (NumberFormatException e) {
            return "not a time (" + Text.quote(epochMillis) + ")";
        }
    }

    private static String orNone(String value) {
        return value == null ? Table.NONE : value;
    }
}
