package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code pq describe-group GROUP}: the group's members and, per partition, its committed offset, the
 * end offset, the lag between them and the owner, like {@code kafka-consumer-groups --describe}.
 * A group without members (always the case here, since pq owns the directory while it runs) gets
 * a note on stderr instead of an empty members table, so stdout holds tables only.
 */
@Command(name = "describe-group", header = "Lists a consumer group's members and its position on each partition.",
        description = {
            "The members of GROUP (member id, client id, partitions) and, per partition, the committed offset "
                    + "(the first record not yet acked), the end offset, the lag between them and the owning "
                    + "member. Exit status 1 if GROUP is unknown."})
final class DescribeGroupCommand extends QueueCommand {

    private static final List<String> MEMBER_HEADER = List.of("MEMBER", "CLIENT", "PARTITIONS");
    private static final List<String> PARTITION_HEADER =
            List.of("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "OWNER");

    @Parameters(index = "0", paramLabel = "GROUP", converter = Converters.NonEmpty.class,
            description = "the consumer group's id")
    String groupId;

    DescribeGroupCommand(Terminal terminal) {
        super(terminal);
    }

    @Override
    int run() {
        try (QueueBackend backend = queue.open(true)) {
            print(backend.admin().describeGroup(groupId), terminal.out(), terminal.err());
            return Pq.EXIT_OK;
        }
    }

    /** The members table (if any), a blank line, then the partitions table; notes on {@code err}. */
    static void print(GroupDescription group, PrintStream out, PrintStream err) {
        if (group.members().isEmpty()) {
            err.println("group " + group.groupId() + " has no members");
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (MemberDescription m : group.members()) {
                String partitions = m.assignment().stream().map(TopicPartition::toString)
                        .collect(Collectors.joining(","));
                rows.add(List.of(m.memberId(), m.clientId(), partitions.isEmpty() ? Table.NONE : partitions));
            }
            Table.print(MEMBER_HEADER, rows, out);
            if (!group.partitions().isEmpty()) {
                out.println();
            }
        }
        if (group.partitions().isEmpty()) {
            err.println("group " + group.groupId() + " has no positions yet");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (PartitionLag p : group.partitions()) {
            rows.add(List.of(p.topicPartition().topic(), Integer.toString(p.topicPartition().partition()),
                    p.committed() < 0 ? Table.NONE : Long.toString(p.committed()), Long.toString(p.endOffset()),
                    Long.toString(p.lag()), p.owner() == null ? Table.NONE : p.owner()));
        }
        Table.print(PARTITION_HEADER, rows, out);
    }
}
