package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.TopicDescription;

import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code pq topics}: a table of every partition of every topic, through the Admin API. Opening the
 * queue also runs the log's recovery when the last owner crashed, so the offsets shown are the
 * ones a consumer would see.
 */
@Command(name = "topics", header = "Lists every partition of every topic.",
        description = "Per partition: start offset, end offset, record count and bytes on disk.")
final class TopicsCommand extends ListingCommand {

    TopicsCommand(Terminal terminal) {
        super(terminal, List.of("TOPIC", "PARTITION", "START", "END", "RECORDS", "BYTES"), "topics");
    }

    @Override
    List<List<String>> rows(Admin admin) {
        List<List<String>> rows = new ArrayList<>();
        for (String topic : admin.listTopics()) {
            TopicDescription description = admin.describeTopic(topic);
            for (PartitionInfo p : description.partitions()) {
                rows.add(List.of(topic, Integer.toString(p.partition()), Long.toString(p.startOffset()),
                        Long.toString(p.endOffset()), Long.toString(p.recordCount()),
                        Long.toString(p.sizeBytes())));
            }
        }
        return rows;
    }
}
