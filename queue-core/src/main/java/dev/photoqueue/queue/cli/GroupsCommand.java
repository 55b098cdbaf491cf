package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.GroupDescription;

import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code pq groups}: a table of the consumer groups of a data directory, with their member count
 * and total lag, through the Admin API. Groups are remembered by their committed positions, so a
 * group shows up here once a member joined it or its offsets were reset.
 */
// Every command needs a description of its own: pq's is inherited (ScopeType.INHERIT) by one without.
@Command(name = "groups", header = "Lists every consumer group with its member count and total lag.",
        description = "Per group: how many members it has now and its lag, end offset minus committed offset "
                + "summed over its partitions. A group shows up once a member joined it or its offsets were "
                + "reset; describe-group GROUP shows one partition by partition.")
final class GroupsCommand extends ListingCommand {

    GroupsCommand(Terminal terminal) {
        super(terminal, List.of("GROUP", "MEMBERS", "LAG"), "consumer groups");
    }

    @Override
    List<List<String>> rows(Admin admin) {
        List<List<String>> rows = new ArrayList<>();
        for (String groupId : admin.listGroups()) {
            GroupDescription group = admin.describeGroup(groupId);
            rows.add(List.of(groupId, Integer.toString(group.members().size()), Long.toString(group.totalLag())));
        }
        return rows;
    }
}
