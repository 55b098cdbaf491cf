package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.testing.ChildJvms;
import dev.photoqueue.queue.testing.PoisonRecords;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The poison-record promise on Kafka, with real crashes: a record that halts the consuming process
 * on every delivery still reaches the dead-letter topic, because the delivery count is committed
 * to Kafka before the record is handed out; after {@code maxDeliveries} (5) deaths the next run
 * dead-letters it and processes the records behind it. Each crashed worker stays in the group
 * until its session ends on the broker, so the group's session timeout is set to three seconds
 * here: short, yet longer than a live worker's heartbeats may stall on a loaded machine.
 * In SHARED mode the broker counts the deliveries itself and a dead worker's record lock ends
 * after the visibility timeout.
 */
@ExtendWith(EmbeddedKafka.class)
@Timeout(180)
class KafkaPoisonRecordCrashTest {

    private static final int RECORDS = 12;
    private static final int POISON_AT = 5;
    private static final int MAX_DELIVERIES = 5;

    @TempDir
    Path tmp;

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    @Test
    void recordThatHaltsTheProcessOnEveryDeliveryEndsInTheDeadLetterTopicAndTheOthersAreProcessed() throws Exception {
        haltOnPoisonUntilDeadLettered(ConsumptionMode.ORDERED);
    }

    /**
     * The same promise in SHARED mode, where the broker counts the deliveries (a share group's
     * delivery count) and a dead worker's lock ends after the three-second visibility timeout.
     */
    @Test
    void sharedRecordThatHaltsTheProcessOnEveryDeliveryEndsInTheDeadLetterTopicAndTheOthersAreProcessed()
            throws Exception {
        haltOnPoisonUntilDeadLettered(ConsumptionMode.SHARED);
    }

    private void haltOnPoisonUntilDeadLettered(ConsumptionMode mode) throws Exception {
        String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        String topic = "poison-" + mode.name().toLowerCase(java.util.Locale.ROOT) + "-" + run;
        String group = "poison-" + mode.name().toLowerCase(java.util.Locale.ROOT) + "-" + run;
        String bootstrap = EmbeddedKafka.bootstrapServers();
        try (QueueBackend backend = open(bootstrap)) {
            backend.admin().createTopic(new NewTopic(topic, 1));
            try (Producer producer = backend.producer()) {
                for (ProducerRecord record : PoisonRecords.records(topic, RECORDS, POISON_AT)) {
                    producer.send(record).get(10, TimeUnit.SECONDS);
                }
            }
        }
        shortenSessions(bootstrap, group);

        Path out = tmp.resolve("processed.txt");
        int halts = children.haltsBeforeCleanExit(PoisonRecords.HALT_STATUS, MAX_DELIVERIES,
                KafkaPoisonChildMain.class, bootstrap, topic, group, out.toString(), mode.name());
        assertEquals(MAX_DELIVERIES, halts, "one death a delivery, up to the maximum");

        assertEquals(PoisonRecords.processedValues(RECORDS, POISON_AT), new TreeSet<>(Files.readAllLines(out)),
                "every other record was processed");

        try (QueueBackend backend = open(bootstrap)) {
            assertEquals(0, backend.admin().describeGroup(group).totalLag());
            List<ConsumerRecord> letters = backend.admin().deadLetters(DeadLetters.topicFor(topic));
            assertEquals(1, letters.size(), "one dead letter: " + letters);
            PoisonRecords.assertPoisonDeadLetter(letters.get(0), POISON_AT, group, MAX_DELIVERIES);
        }
    }

    /** A crashed member holds its partition until the broker ends its session: three seconds for this group. */
    private static void shortenSessions(String bootstrap, String group) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of("bootstrap.servers",
                bootstrap))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", "3000"), AlterConfigOp.OpType.SET))))
                    .all().get(10, TimeUnit.SECONDS);
        }
    }

    private static QueueBackend open(String bootstrap) {
        return QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrap));
    }
}
