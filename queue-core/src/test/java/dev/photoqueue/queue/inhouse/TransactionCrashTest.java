package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.NewTopic;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.inhouse.TransactionCrashChildMain.GROUP;
import static dev.photoqueue.queue.inhouse.TransactionCrashChildMain.HALT_STATUS;
import static dev.photoqueue.queue.inhouse.TransactionCrashChildMain.INPUT;
import static dev.photoqueue.queue.inhouse.TransactionCrashChildMain.OUTPUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once across crashes: a consume-transform-produce process is killed again and again,
 * before its commit and between every step of it, and restarted on the same data directory until
 * it has consumed everything. Each input's output is then in the output topic exactly once, and
 * the group has consumed every input.
 */
@Timeout(300)
class TransactionCrashTest {

    private static final int INPUT_PARTITIONS = 3;
    private static final int RECORDS_EACH = 40;
    private static final int OUTPUT_PARTITIONS = 2;
    private static final int MIN_CRASHES = 20;

    @TempDir
    Path tmp;

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    @Test
    void eachOutputAppearsOnceThoughTheProcessDiesBeforeAndDuringCommitsManyTimes() throws Exception {
        Path dataDir = tmp.resolve("data").toAbsolutePath();
        List<String> expected = new ArrayList<>();
        try (QueueBackend backend = InhouseTestSupport.open(dataDir)) {
            backend.admin().createTopic(new NewTopic(INPUT, INPUT_PARTITIONS));
            backend.admin().createTopic(new NewTopic(OUTPUT, OUTPUT_PARTITIONS));
            try (Producer producer = backend.producer()) {
                for (int p = 0; p < INPUT_PARTITIONS; p++) {
                    for (int i = 0; i < RECORDS_EACH; i++) {
                        String value = p + "/" + i;
                        producer.send(ProducerRecord.of(INPUT, "k" + i, value).withPartition(p));
                        expected.add("out-" + value);
                    }
                }
            }
        }

        Map<String, Integer> crashes = new TreeMap<>();
        for (long seed = 1; ; seed++) {
            assertTrue(seed < 500, "the inputs were not all consumed after 500 runs; crashes " + crashes);
            ChildJvm child = children.start(TransactionCrashChildMain.class, dataDir.toString(), Long.toString(seed));
            String plan = child.firstLine();
            int exit = child.awaitExit();
            if (exit == 0) {
                if (crashes.values().stream().mapToInt(Integer::intValue).sum() >= MIN_CRASHES) {
                    break;
                }
                // Done before enough crashes: add inputs and go on killing.
                expected.addAll(produceMore(dataDir, seed));
                continue;
            }
            assertEquals(HALT_STATUS, exit, "run " + seed + " failed otherwise (plan " + plan + ")");
            crashes.merge(plan.split(" ")[1], 1, Integer::sum);
        }
        assertEquals(4, crashes.size(), "crashed at every moment: " + crashes);

        try (QueueBackend backend = InhouseTestSupport.open(dataDir)) {
            assertEquals(0, backend.admin().describeGroup(GROUP).totalLag(), "every input consumed");
            List<String> outputs = readAll(backend);
            assertEquals(expected.stream().sorted().toList(), outputs.stream().sorted().toList(),
                    "each output exactly once after crashes " + crashes);
        }
    }

    private static List<String> produceMore(Path dataDir, long round) {
        List<String> more = new ArrayList<>();
        try (QueueBackend backend = InhouseTestSupport.open(dataDir); Producer producer = backend.producer()) {
            for (int p = 0; p < INPUT_PARTITIONS; p++) {
                for (int i = 0; i < 10; i++) {
                    String value = p + "/r" + round + "-" + i;
                    producer.send(ProducerRecord.of(INPUT, "k" + i, value).withPartition(p));
                    more.add("out-" + value);
                }
            }
        }
        return more;
    }

    private static List<String> readAll(QueueBackend backend) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < OUTPUT_PARTITIONS; p++) {
            tps.add(new TopicPartition(OUTPUT, p));
        }
        List<String> values = new ArrayList<>();
        try (Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "could not read the outputs up to " + end);
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(r.valueAsString());
                }
            }
        }
        return values;
    }
}
