package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records as a read of a partition's log returns them, for the tests of a group's per-partition state. */
final class LogReads {

    private LogReads() {
    }

    /**
     * The records {@code from} to {@code to}, inclusive, of {@code tp}: no key, no headers, value
     * {@code v<offset>}, timestamp {@code 1000 + offset}.
     */
    static List<ConsumerRecord> records(TopicPartition tp, long from, long to) {
        List<ConsumerRecord> out = new ArrayList<>();
        for (long o = from; o <= to; o++) {
            out.add(new ConsumerRecord(tp.topic(), tp.partition(), o, 1000 + o, null,
                    ("v" + o).getBytes(StandardCharsets.UTF_8), List.of()));
        }
        return out;
    }
}
