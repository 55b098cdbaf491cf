package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code pq reset-offsets}: moves a group's position on every partition of a topic, to replay
 * records or to skip a backlog, like {@code kafka-consumer-groups --reset-offsets --execute}. The
 * new positions are persisted before it returns and printed as a table. pq owns the directory
 * while it runs, so the group has no members then and nobody is mid-way through a record. A group
 * that did not exist is created at the new positions, as Kafka does; stderr says so.
 */
final class ResetOffsetsCommand implements Command {

    private static final List<Option> TARGETS =
            List.of(Option.TO_EARLIEST, Option.TO_LATEST, Option.TO_OFFSET, Option.TO_DATETIME);
    private static final List<String> HEADER = List.of("TOPIC", "PARTITION", "NEW-OFFSET");

    @Override
    public String name() {
        return "reset-offsets";
    }

    @Override
    public Set<Option> options() {
        Set<Option> options = EnumSet.of(Option.GROUP, Option.TOPIC);
        options.addAll(TARGETS);
        return options;
    }

    @Override
    public int run(Arguments args, Terminal terminal) {
        String group = args.required(Option.GROUP);
        String topic = args.required(Option.TOPIC);
        Option target = target(args);
        OffsetSpec spec = spec(args, target);
        try (QueueBackend backend = DataDirectory.open(args, true)) {
            Admin admin = backend.admin();
            boolean existed = admin.listGroups().contains(group);
            Map<TopicPartition, Long> positions = admin.resetOffsets(group, topic, spec);
            List<List<String>> rows = new ArrayList<>();
            positions.forEach((tp, offset) -> rows.add(List.of(tp.topic(), Integer.toString(tp.partition()),
                    Long.toString(offset))));
            Table.print(HEADER, rows, terminal.out());
            if (!existed) {
                terminal.err().println("created group " + group);
            }
            terminal.err().println("reset group " + group + " on topic " + topic + " (" + target
                    + (target.takesValue() ? " " + args.required(target) : "") + ")");
            return Pq.EXIT_OK;
        }
    }

    /** The one --to-... option given; a usage error for none or several. */
    private static Option target(Arguments args) {
        List<Option> given = TARGETS.stream().filter(args::has).toList();
        if (given.size() != 1) {
            String got = given.isEmpty() ? "" : "; got " + given.stream().map(Option::toString)
                    .collect(Collectors.joining(", ")).replaceFirst(", ([^,]*)$", " and $1");
            throw new UsageException("reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset N "
                    + "and --to-datetime TIME" + got);
        }
        return given.get(0);
    }

    private static OffsetSpec spec(Arguments args, Option target) {
        return switch (target) {
            case TO_EARLIEST -> OffsetSpec.earliest();
            case TO_LATEST -> OffsetSpec.latest();
            case TO_OFFSET -> OffsetSpec.offset(args.longValue(Option.TO_OFFSET, 0, 0));
            case TO_DATETIME -> OffsetSpec.timestamp(epochMillis(args.required(Option.TO_DATETIME)));
            default -> throw new IllegalArgumentException("not a reset target: " + target);
        };
    }

    /** An ISO-8601 date and time with its zone offset, as milliseconds since the epoch. */
    static long epochMillis(String dateTime) {
        try {
            return OffsetDateTime.parse(dateTime, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new UsageException(Option.TO_DATETIME + " must be an ISO-8601 date and time with a zone offset, "
                    + "like 2026-11-28T10:00:00Z or 2026-11-28T11:00:00+01:00; got '" + dateTime + "'");
        }
    }
}
