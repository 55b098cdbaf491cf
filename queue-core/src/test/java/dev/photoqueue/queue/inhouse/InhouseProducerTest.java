package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Sending through the API: keyed records land on {@link Partitioners#forKey}'s partition, unkeyed
 * ones are spread, an explicit partition is honoured, and sends after close fail with
 * {@link QueueClosedException}.
 */
class InhouseProducerTest {

    @TempDir
    Path dir;

    @Test
    void keyedRecordsLandOnForKeysPartitionAndReadBackThere() {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic("photos", 4));
            Map<TopicPartition, List<String>> expected = new HashMap<>();
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < 200; i++) {
                    String key = "user-" + (i % 37);
                    RecordMetadata md = await(producer.send(ProducerRecord.of("photos", key, "photo-" + i)));
                    assertEquals(Partitioners.forKey(bytes(key), 4), md.partition(), "partition of " + key);
                    expected.computeIfAbsent(md.topicPartition(), tp -> new ArrayList<>()).add(key + "=photo-" + i);
                }
            }
            try (Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
                for (int p = 0; p < 4; p++) {
                    TopicPartition tp = new TopicPartition("photos", p);
                    consumer.assign(List.of(tp));
                    List<String> read = new ArrayList<>();
                    for (ConsumerRecord r : consumer.poll(Duration.ofSeconds(5))) {
                        read.add(r.keyAsString() + "=" + r.valueAsString());
                    }
                    assertEquals(expected.getOrDefault(tp, List.of()), read, "partition " + p + " in send order");
                }
            }
        }
    }

    @Test
    void unkeyedRecordsAreSpreadAndExplicitPartitionIsHonoured() {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic("spread", 3));
            try (Producer producer = backend.producer()) {
                int[] counts = new int[3];
                for (int i = 0; i < 30; i++) {
                    counts[await(producer.send(ProducerRecord.of("spread", (String) null, "v" + i))).partition()]++;
                }
                assertArrayEquals(new int[] {10, 10, 10}, counts, "round robin over the partitions");
                RecordMetadata md = await(producer.send(ProducerRecord.of("spread", "some-key", "v").withPartition(2)));
                assertEquals(2, md.partition(), "an explicit partition wins over the key");
                assertEquals(10, md.offset());
            }
        }
    }

    @Test
    void flushCompletesEverySendBeforeIt() {
        try (QueueBackend backend = open(dir)) {
            try (Producer producer = backend.producer()) {
                List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    sends.add(producer.send(ProducerRecord.of("auto", (String) null, "v" + i)));
                }
                producer.flush();
                for (int i = 0; i < sends.size(); i++) {
                    assertTrue(sends.get(i).isDone(), "send " + i + " not done after flush");
                    assertEquals(i, sends.get(i).join().offset());
                }
            }
        }
    }

    @Test
    void sendAfterCloseFailsWithQueueClosed() {
        QueueBackend backend = open(dir);
        try {
            Producer producer = backend.producer();
            await(producer.send(ProducerRecord.of("t", "k", "before")));
            producer.close();
            assertInstanceOf(QueueClosedException.class, failureOf(producer.send(ProducerRecord.of("t", "k", "after"))));
            Producer other = backend.producer();
            assertEquals(1, await(other.send(ProducerRecord.of("t", "k", "another producer still works"))).offset());
            backend.close();
            assertInstanceOf(QueueClosedException.class, failureOf(other.send(ProducerRecord.of("t", "k", "after backend"))));
        } finally {
            backend.close();
        }
    }
}
