package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.QueueBackend;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code pq groups}: a table of the consumer groups of a data directory, with their member count
 * and total lag, through the Admin API. Groups are remembered by their committed positions, so a
 * group shows up here once a member joined it or its offsets were reset.
 */
final class GroupsCommand implements Command {

    private static final List<String> HEADER = List.of("GROUP", "MEMBERS", "LAG");

    @Override
    public String name() {
        return "groups";
    }

    @Override
    public Set<Option> options() {
        return EnumSet.noneOf(Option.class);
    }

    @Override
    public int run(Arguments args, Terminal terminal) {
        try (QueueBackend backend = DataDirectory.open(args, true)) {
            Admin admin = backend.admin();
            List<List<String>> rows = new ArrayList<>();
            for (String groupId : admin.listGroups()) {
                GroupDescription group = admin.describeGroup(groupId);
                rows.add(List.of(groupId, Integer.toString(group.members().size()), Long.toString(group.totalLag())));
            }
            Table.printOrSay(HEADER, rows, "no consumer groups in " + args.location(), terminal);
            return Pq.EXIT_OK;
        }
    }
}
