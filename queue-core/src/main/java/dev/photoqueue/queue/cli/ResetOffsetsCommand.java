package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pq reset-offsets}: moves a group's position on every partition of a topic, to replay
 * records or to skip a backlog, like {@code kafka-consumer-groups --reset-offsets --execute}. The
 * new positions are persisted before it returns and printed as a table. pq owns the directory
 * while it runs, so the group has no members then and nobody is mid-way through a record. A group
 * that did not exist is created at the new positions, as Kafka does; stderr says so.
 */
@Command(name = "reset-offsets", header = "Moves a consumer group's committed offsets on a topic.",
        description = {
            "Moves group G's committed offset on every partition of T: to the first stored record, to the end, "
                    + "to offset N (where a partition has no offset N, to its start or end, with a warning on "
                    + "stderr), or to the first record with a timestamp at or after TIME, an ISO-8601 date and "
                    + "time with zone offset (2026-11-28T10:00:00Z, 2026-11-28T11:00:00+01:00). Prints the new "
                    + "offset per partition. The next consume --group G reads from there. Creates G if it does not "
                    + "exist."})
final class ResetOffsetsCommand extends QueueCommand {

    private static final List<String> HEADER = List.of("TOPIC", "PARTITION", "NEW-OFFSET");

    /** Where to move the group: exactly one of these. */
    static final class Target {
        @Option(names = "--to-earliest", arity = "0", description = "to the first stored record")
        boolean earliest;

        @Option(names = "--to-latest", arity = "0", description = "to the end: skip everything stored")
        boolean latest;

        @Option(names = "--to-offset", paramLabel = "N", converter = Converters.NonNegativeLong.class,
                description = "to offset N; outside a partition's start and end, to that bound, with a warning")
        Long offset;

        @Option(names = "--to-datetime", paramLabel = "TIME", converter = Converters.EpochMillis.class,
                description = "to the first record at or after TIME (ISO-8601 with zone offset)")
        Long epochMillis;

        OffsetSpec spec() {
            if (earliest) {
                return OffsetSpec.earliest();
            }
            if (latest) {
                return OffsetSpec.latest();
            }
            return offset != null ? OffsetSpec.offset(offset) : OffsetSpec.timestamp(epochMillis);
        }
    }

    @Option(names = "--group", paramLabel = "G", required = true, converter = Converters.GroupId.class,
            description = "the consumer group to move")
    String group;

    @Option(names = "--topic", paramLabel = "T", required = true, converter = Converters.TopicName.class,
            description = "the topic whose partitions it moves on")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nTo (one of):%n")
    Target target;

    ResetOffsetsCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        try (QueueBackend backend = queue.open(true)) {
            Admin admin = backend.admin();
            boolean existed = admin.listGroups().contains(group);
            Map<TopicPartition, Long> positions = admin.resetOffsets(group, topic, target.spec());
            List<List<String>> rows = new ArrayList<>();
            positions.forEach((tp, offset) -> rows.add(List.of(tp.topic(), Integer.toString(tp.partition()),
                    Long.toString(offset))));
            Table.print(HEADER, rows, terminal.out());
            if (target.offset != null) {
                warnWhereMovedFrom(target.offset, positions);
            }
            if (!existed) {
                terminal.err().println("created group " + group);
            }
            terminal.err().println("reset group " + group + " on topic " + topic + " (" + given() + ")");
            return Pq.EXIT_OK;
        }
    }

    /**
     * One warning per partition that has no offset {@code asked}: both backends keep a
     * {@code --to-offset} within the partition's start and end, so a position other than the one
     * asked for is that bound. Said, as kafka-consumer-groups does, since the group then skips or
     * rereads records the user did not mean it to.
     */
    private void warnWhereMovedFrom(long asked, Map<TopicPartition, Long> positions) {
        positions.forEach((tp, set) -> {
            if (set < asked) {
                terminal.err().println("pq: warning: partition " + tp.partition() + " of " + tp.topic() + ": offset "
                        + asked + " is past its end; set to its end, " + set);
            } else if (set > asked) {
                terminal.err().println("pq: warning: partition " + tp.partition() + " of " + tp.topic() + ": offset "
                        + asked + " is before its start (the records before it were deleted); set to its start, "
                        + set);
            }
        });
    }

    /** The target as it was typed, for the summary: "--to-offset 7". */
    private String given() {
        for (String name : List.of("--to-earliest", "--to-latest", "--to-offset", "--to-datetime")) {
            OptionSpec option = spec.commandLine().getParseResult().matchedOption(name);
            if (option != null) {
                return option.arity().max() == 0 ? name : name + " " + option.originalStringValues().get(0);
            }
        }
        throw new IllegalStateException("picocli let reset-offsets run without a target");
    }
}
