package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicPartition;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@link Pq#run} in-process with in-memory streams, and reads topics back through the public API. */
final class PqRun {

    /**
     * Every command that opens the in-house queue (its lock, then every partition), without
     * {@code --data-dir}: the commands a broken or read-only data directory must fail in words.
     */
    static final List<List<String>> QUEUE_OPENING_COMMANDS = List.of(
            List.of("produce", "--topic", "t"),
            List.of("consume", "--topic", "t", "--from-beginning"),
            List.of("topics"),
            List.of("groups"),
            List.of("describe-group", "g"),
            List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-earliest"),
            List.of("dlq", "list", "--topic", "t"),
            List.of("dlq", "redrive", "--topic", "t", "--all"));

    /** One invocation's exit status and what it wrote. */
    record Result(int exit, String out, String err) {

        List<String> errLines() {
            return err.lines().toList();
        }

        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private PqRun() {
    }

    static Result pqWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Pq.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result pq(String... args) {
        return pqWithInput("", args);
    }

    static QueueBackend openBackend(Path dataDir) {
        return QueueBackends.open(Map.of("data.dir", dataDir.toString(), "auto.create.topics", "false"));
    }

    /** Every record of every partition of {@code topic}, partition by partition, through the consumer API. */
    static List<ConsumerRecord> readAll(Path dataDir, String topic) {
        try (QueueBackend backend = openBackend(dataDir)) {
            return readAll(backend, topic);
        }
    }

    static List<ConsumerRecord> readAll(QueueBackend backend, String topic) {
        List<ConsumerRecord> all = new ArrayList<>();
        try (Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
            for (PartitionInfo p : backend.admin().describeTopic(topic).partitions()) {
                TopicPartition tp = new TopicPartition(topic, p.partition());
                consumer.assign(List.of(tp));
                List<ConsumerRecord> batch;
                while (!(batch = consumer.poll(Duration.ofMillis(50))).isEmpty()) {
                    all.addAll(batch);
                }
            }
        }
        return all;
    }
}
