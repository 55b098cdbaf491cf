package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.testing.ChildJvm;
import dev.photoqueue.queue.testing.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.photoqueue.queue.inhouse.RedriveCrashChildMain.DLQ;
import static dev.photoqueue.queue.inhouse.RedriveCrashChildMain.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A redrive killed part-way sends no dead letter back twice and loses none: after the crash, a
 * second redrive finishes the job, and every rejected record is on its topic exactly twice (the
 * original and one copy), with no dead letter left waiting.
 */
@Timeout(180)
class RedriveCrashTest {

    private static final int RECORDS = 100;

    @TempDir
    Path tmp;

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    @Test
    void redriveKilledMidWaySendsEachDeadLetterBackExactlyOnce() throws Exception {
        Path dataDir = tmp.resolve("data").toAbsolutePath();
        try (QueueBackend backend = InhouseTestSupport.open(dataDir)) {
            deadLetterAll(backend);
        }

        // Halts after 80 dead letters were handed to the redrive: past one batch, in the middle of the next.
        ChildJvm child = children.start(RedriveCrashChildMain.class, dataDir.toString(), "80");
        assertEquals(RedriveCrashChildMain.HALT_STATUS, child.awaitExit(), "the child halted mid-redrive");

        try (QueueBackend backend = InhouseTestSupport.open(dataDir)) {
            backend.admin().redriveAll(DLQ, r -> true, 1_000_000);
            assertEquals(List.of(), backend.admin().deadLetters(DLQ), "no dead letter waits after the second redrive");
            Map<String, Integer> copies = new TreeMap<>();
            for (ConsumerRecord r : readAll(backend)) {
                copies.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum);
            }
            Map<String, Integer> expected = new TreeMap<>();
            for (int i = 0; i < RECORDS; i++) {
                expected.put("job-" + i, 2);
            }
            assertEquals(expected, copies, "each job: the original and exactly one redriven copy");
        }
    }

    /** Sends {@value #RECORDS} jobs over two partitions and rejects every one, so each becomes a dead letter. */
    private static void deadLetterAll(QueueBackend backend) {
        backend.admin().createTopic(new NewTopic(TOPIC, 2));
        try (Producer producer = backend.producer()) {
            for (int i = 0; i < RECORDS; i++) {
                InhouseTestSupport.await(producer.send(ProducerRecord.of(TOPIC, "k" + i, "job-" + i)));
            }
        }
        try (GroupConsumer consumer = backend.groupConsumer(GroupConsumerConfig.builder("workers").build())) {
            consumer.subscribe(List.of(TOPIC));
            int rejected = 0;
            while (rejected < RECORDS) {
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
                    consumer.acknowledge(r, AckType.REJECT, "bad job");
                    rejected++;
                }
            }
        }
        assertEquals(RECORDS, backend.admin().deadLetters(DLQ).size(), "every job is a dead letter");
    }

    private static List<ConsumerRecord> readAll(QueueBackend backend) {
        List<ConsumerRecord> all = new ArrayList<>();
        try (Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
            for (PartitionInfo p : backend.admin().describeTopic(TOPIC).partitions()) {
                TopicPartition tp = new TopicPartition(TOPIC, p.partition());
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                while (consumer.position(tp) < p.endOffset()) {
                    all.addAll(consumer.poll(Duration.ofMillis(50)));
                }
            }
        }
        return all;
    }
}
