package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.testing.PoisonRecords;

import java.io.FileOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Run by {@link PoisonRecordCrashTest} in a child JVM: a worker of group {@value #GROUP} on topic
 * {@value #TOPIC}, at-least-once, one record a poll. It appends each record's value as a line to
 * the output file and acks it, except the record with value {@value PoisonRecords#POISON}: on that
 * one the whole process dies at once ({@code Runtime.halt}, exit
 * {@value PoisonRecords#HALT_STATUS}), as on a crash no catch block survives. It exits 0 once the
 * group has no lag left.
 *
 * <p>One record a poll: each poll persists the acks before it together with the new delivery
 * count, so only the poison record is counted again by the next run.
 *
 * <p>Arguments: {@code DATA_DIR OUT_FILE}.
 */
public final class PoisonChildMain {

    static final String GROUP = "P";
    static final String TOPIC = "jobs";

    private PoisonChildMain() {
    }

    public static void main(String[] args) throws Exception {
        try (QueueBackend backend = InhouseTestSupport.open(Path.of(args[0]), "auto.create.topics", "false");
             FileOutputStream lines = new FileOutputStream(args[1], true)) {
            GroupConsumer consumer = backend.groupConsumer(GroupConsumerConfig.builder(GROUP).maxPollRecords(1)
                    .build());
            consumer.subscribe(List.of(TOPIC));
            while (true) {
                List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty() && backend.admin().describeGroup(GROUP).totalLag() == 0) {
                    break;
                }
                PoisonRecords.processOrHalt(records, consumer, lines);
            }
            consumer.close();
        }
    }
}
