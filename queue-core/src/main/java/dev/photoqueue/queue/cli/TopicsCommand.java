package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicDescription;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code pq topics}: a table of every partition of every topic, through the Admin API. Opening the
 * queue also runs the log's recovery when the last owner crashed, so the offsets shown are the
 * ones a consumer would see.
 */
final class TopicsCommand implements Command {

    private static final List<String> HEADER = List.of("TOPIC", "PARTITION", "START", "END", "RECORDS", "BYTES");

    @Override
    public String name() {
        return "topics";
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
            for (String topic : admin.listTopics()) {
                TopicDescription description = admin.describeTopic(topic);
                for (PartitionInfo p : description.partitions()) {
                    rows.add(List.of(topic, Integer.toString(p.partition()), Long.toString(p.startOffset()),
                            Long.toString(p.endOffset()), Long.toString(p.recordCount()),
                            Long.toString(p.sizeBytes())));
                }
            }
            Table.printOrSay(HEADER, rows, "no topics in " + args.location(), terminal);
            return Pq.EXIT_OK;
        }
    }
}
