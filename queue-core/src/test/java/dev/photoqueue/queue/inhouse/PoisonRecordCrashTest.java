package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.testing.ChildJvms;
import dev.photoqueue.queue.testing.PoisonRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.inhouse.PoisonChildMain.GROUP;
import static dev.photoqueue.queue.inhouse.PoisonChildMain.TOPIC;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A record that kills the whole consuming process on every delivery still reaches the dead-letter
 * topic: its delivery count is persisted before it is handed out, so each run of a restarted
 * worker counts one more, and after {@code maxDeliveries} (5) deaths the next run dead-letters it
 * instead and processes the records behind it.
 */
@Timeout(180)
class PoisonRecordCrashTest {

    private static final int RECORDS = 20;
    private static final int POISON_AT = 7;
    private static final int MAX_DELIVERIES = 5;

    @TempDir
    Path tmp;

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    @Test
    void recordThatHaltsTheProcessOnEveryDeliveryEndsInTheDeadLetterTopicAndTheOthersAreProcessed() throws Exception {
        Path dataDir = tmp.resolve("data").toAbsolutePath();
        try (QueueBackend backend = InhouseTestSupport.open(dataDir)) {
            backend.admin().createTopic(new NewTopic(TOPIC, 1));
            try (Producer producer = backend.producer()) {
                for (ProducerRecord record : PoisonRecords.records(TOPIC, RECORDS, POISON_AT)) {
                    producer.send(record);
                }
            }
        }

        Path out = tmp.resolve("processed.txt");
        int halts = children.haltsBeforeCleanExit(PoisonRecords.HALT_STATUS, MAX_DELIVERIES, PoisonChildMain.class,
                dataDir.toString(), out.toString());
        assertEquals(MAX_DELIVERIES, halts, "one death a delivery, up to the maximum");

        assertEquals(PoisonRecords.processedValues(RECORDS, POISON_AT), new TreeSet<>(Files.readAllLines(out)),
                "every other record was processed");

        try (QueueBackend backend = InhouseTestSupport.open(dataDir);
             Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
            assertEquals(0, backend.admin().describeGroup(GROUP).totalLag());
            TopicPartition dlq = new TopicPartition(DeadLetters.topicFor(TOPIC), 0);
            consumer.assign(List.of(dlq));
            consumer.seekToBeginning(List.of(dlq));
            List<ConsumerRecord> letters = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (letters.isEmpty() && System.nanoTime() < deadline) {
                letters.addAll(consumer.poll(Duration.ofMillis(100)));
            }
            assertEquals(1, letters.size(), "one dead letter: " + letters);
            ConsumerRecord letter = letters.get(0);
            PoisonRecords.assertPoisonDeadLetter(letter, POISON_AT, GROUP, MAX_DELIVERIES);
            assertEquals(TOPIC, letter.header(DeadLetters.TOPIC).valueAsString());
            assertEquals("0", letter.header(DeadLetters.PARTITION).valueAsString());
            assertNotNull(letter.header(DeadLetters.TIMESTAMP));
            assertNotNull(letter.header(DeadLetters.DEAD_LETTERED_AT));
        }
    }
}
