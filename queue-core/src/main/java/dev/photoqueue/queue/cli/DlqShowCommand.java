package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.BytesPreview;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.QueueBackend;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

/**
 * {@code pq dlq show --topic T --offset O}: one dead letter whole, the one at offset O of T.dlq as
 * {@code dlq list} numbers them: every header, the key and the full value, text as text and binary
 * as a hex dump. A dead letter already redriven, or an offset that holds none, is exit status 1.
 */
@Command(name = "show", header = "Prints one dead letter whole: headers, key and value.",
        description = {
            "Prints the dead letter at offset O of T.dlq (its DLQ-OFFSET in dlq list): its offset, timestamp "
                    + "and key, then every header, one a line (the pq.dlq.* ones the queue added too; times also "
                    + "in UTC), then the value: text as it is, binary as a hex dump (offset, 16 bytes, ASCII). "
                    + "Key and header values are quoted text or 0x hex. Exit status 1 when no dead letter waits "
                    + "at O."})
final class DlqShowCommand extends QueueCommand {

    /** Headers that hold epoch milliseconds: shown with the time they mean. */
    private static final Set<String> TIMES = Set.of(DeadLetters.TIMESTAMP, DeadLetters.DEAD_LETTERED_AT);

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.TopicName.class,
            description = "the topic of the dead letter (or its T.dlq)")
    String topic;

    @Option(names = "--offset", paramLabel = "O", required = true, converter = Converters.NonNegativeLong.class,
            description = "the dead letter's own offset in T.dlq, as dlq list prints it")
    long offset;

    DlqShowCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        String dlq = DlqCommand.dlqTopic(topic);
        try (QueueBackend backend = queue.open(true)) {
            for (ConsumerRecord r : DlqCommand.deadLetters(backend.admin(), dlq)) {
                if (r.offset() == offset) {
                    print(r, terminal.out());
                    return Pq.EXIT_OK;
                }
            }
        }
        throw new CommandFailedException(Pq.EXIT_FAILED, "no dead letter waits at offset " + offset + " of " + dlq
                + " (redriven already, or never one); dlq list --topic " + topic + " lists those that do");
    }

    static void print(ConsumerRecord r, PrintStream out) {
        out.println("offset: " + r.offset());
        out.println("timestamp: " + Instant.ofEpochMilli(r.timestamp()));
        out.println("key: " + (r.key() == null ? "null" : Text.quote(r.key())));
        out.println("headers: " + r.headers().size());
        for (Header h : r.headers()) {
            String value = h.value() == null ? "null" : Text.quote(h.value());
            if (TIMES.contains(h.key()) && h.value() != null) {
                value += " (" + time(h.valueAsString()) + ")";
            }
            out.println("  " + h.key() + ": " + value);
        }
        byte[] value = r.value();
        if (value == null) {
            out.println("value: null");
        } else if (BytesPreview.isText(value)) {
            out.println("value: text, " + Text.count(value.length, "byte"));
            out.println(new String(value, StandardCharsets.UTF_8));
        } else {
            out.println("value: binary, " + Text.count(value.length, "byte"));
            out.print(Text.hexDump(value));
        }
    }

    private static String time(String epochMillis) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(epochMillis.trim())).toString();
        } catch (NumberFormatException e) {
            return "not a time";
        }
    }
}
