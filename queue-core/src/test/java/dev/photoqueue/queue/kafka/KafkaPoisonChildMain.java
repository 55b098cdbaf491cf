package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.testing.PoisonRecords;

import java.io.FileOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link KafkaPoisonRecordCrashTest} in a child JVM: a worker of a group on a topic of the
 * Kafka cluster, at-least-once, one record a poll. It appends each record's value as a line to
 * the output file and acks it, except the record with value {@value PoisonRecords#POISON}: on that
 * one the whole process dies at once ({@code Runtime.halt}, exit
 * {@value PoisonRecords#HALT_STATUS}), as on a crash no catch block, shutdown hook or Kafka client
 * close runs. It exits 0 once the group has no lag left.
 *
 * <p>Arguments: {@code BOOTSTRAP_SERVERS TOPIC GROUP OUT_FILE [MODE]}; MODE is {@code ORDERED}
 * (default) or {@code SHARED}, the latter with a three-second visibility timeout so that a dead
 * worker's lock ends soon, and a live one's does not while a loaded machine stalls it.
 */
public final class KafkaPoisonChildMain {

    private KafkaPoisonChildMain() {
    }

    public static void main(String[] args) throws Exception {
        String topic = args[1];
        String group = args[2];
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", args[0]));
             FileOutputStream lines = new FileOutputStream(args[3], true)) {
            ConsumptionMode mode = args.length > 4 ? ConsumptionMode.valueOf(args[4]) : ConsumptionMode.ORDERED;
            GroupConsumer consumer = backend.groupConsumer(GroupConsumerConfig.builder(group).maxPollRecords(1)
                    .mode(mode).visibilityTimeoutMs(3_000).build());
            consumer.subscribe(List.of(topic));
            boolean received = false;
            while (true) {
                List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(50));
                received |= !records.isEmpty();
                // A SHARED member owns no partition: once it has had records, an empty poll is a moment to look at the lag.
                boolean settled = mode == ConsumptionMode.SHARED ? received : !consumer.assignment().isEmpty();
                if (records.isEmpty() && settled) {
                    consumer.commitSync();
                    if (backend.admin().describeGroup(group).totalLag() == 0) {
                        break;
                    }
                }
                PoisonRecords.processOrHalt(records, consumer, lines);
            }
            consumer.close();
        }
    }
}
