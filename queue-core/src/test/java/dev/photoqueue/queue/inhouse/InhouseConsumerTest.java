package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Reading through the API: assignment, positions and seeks, polls that wait for records and wake
 * when one arrives, and the offset queries (beginning, end, by time).
 */
class InhouseConsumerTest {

    private static final TopicPartition P0 = new TopicPartition("c", 0);
    private static final TopicPartition P1 = new TopicPartition("c", 1);

    @TempDir
    Path dir;

    private QueueBackend backend;
    private Producer producer;
    private Consumer consumer;

    @BeforeEach
    void openBackend() {
        backend = open(dir);
        backend.admin().createTopic(new NewTopic("c", 2));
        producer = backend.producer();
        consumer = backend.consumer(ConsumerConfig.builder().maxPollRecords(3).build());
    }

    @AfterEach
    void closeBackend() {
        consumer.close();
        backend.close();
    }

    private void send(TopicPartition tp, String value, long timestamp) {
        await(producer.send(new ProducerRecord(tp.topic(), tp.partition(), null, bytes(value), timestamp, List.of())));
    }

    private List<String> values(List<ConsumerRecord> records) {
        return records.stream().map(r -> r.partition() + ":" + r.offset() + "=" + r.valueAsString()).toList();
    }

    @Test
    void assignedPartitionsAreReadFromTheStartAndPositionsAdvance() {
        for (int i = 0; i < 5; i++) {
            send(P0, "a" + i, 100 + i);
        }
        consumer.assign(List.of(P0));
        assertEquals(java.util.Set.of(P0), consumer.assignment());
        assertEquals(0, consumer.position(P0));
        assertEquals(List.of("0:0=a0", "0:1=a1", "0:2=a2"), values(consumer.poll(Duration.ofSeconds(5))),
                "max.poll.records is 3");
        assertEquals(3, consumer.position(P0));
        assertEquals(List.of("0:3=a3", "0:4=a4"), values(consumer.poll(Duration.ofSeconds(5))));
        assertEquals(5, consumer.position(P0));
        assertThrows(IllegalStateException.class, () -> consumer.position(P1), "P1 is not assigned");
    }

    @Test
    void seekMovesThePositionWithinStartToEnd() {
        for (int i = 0; i < 5; i++) {
            send(P0, "a" + i, 100 + i);
        }
        consumer.assign(List.of(P0));
        consumer.seek(P0, 3);
        assertEquals(List.of("0:3=a3", "0:4=a4"), values(consumer.poll(Duration.ofSeconds(5))));
        consumer.seekToBeginning(List.of(P0));
        assertEquals(0, consumer.position(P0));
        assertEquals("0:0=a0", values(consumer.poll(Duration.ofSeconds(5))).get(0));
        consumer.seekToEnd(List.of(P0));
        assertEquals(5, consumer.position(P0));
        consumer.seek(P0, 5);
        OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> consumer.seek(P0, 6));
        assertTrue(e.getMessage().contains("0..5"), e.getMessage());
        assertThrows(OffsetOutOfRangeException.class, () -> consumer.seek(P0, -1));
        assertEquals(5, consumer.position(P0), "a refused seek leaves the position");
        send(P0, "a5", 105);
        assertEquals(List.of("0:5=a5"), values(consumer.poll(Duration.ofSeconds(5))));
    }

    @Test
    void pollRotatesOverAssignedPartitions() {
        for (int i = 0; i < 6; i++) {
            send(P0, "a" + i, 1);
            send(P1, "b" + i, 1);
        }
        consumer.assign(List.of(P0, P1));
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.addAll(values(consumer.poll(Duration.ofSeconds(5))));
        }
        assertEquals(12, all.size(), all.toString());
        assertEquals(List.of("0:0=a0", "0:1=a1", "0:2=a2", "1:0=b0", "1:1=b1", "1:2=b2"), all.subList(0, 6),
                "both partitions are served before either is finished");
    }

    @Test
    void pollWaitsUpToTheTimeoutWhenThereIsNothing() {
        consumer.assign(List.of(P0));
        long start = System.nanoTime();
        assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty());
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= 290, "returned after " + elapsedMs + " ms");
        assertTrue(elapsedMs < 60_000, "returned after " + elapsedMs + " ms");
    }

    @Test
    void pollWakesWhenARecordArrivesFromAnotherThread() throws Exception {
        consumer.assign(List.of(P1));
        CountDownLatch polling = new CountDownLatch(1);
        Thread sender = new Thread(() -> {
            try {
                polling.await();
                send(P1, "late", 7);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sender.start();
        long start = System.nanoTime();
        polling.countDown();
        // a poll that did not wake would wait its whole 120 s; one that wakes returns well within 60 s
        List<ConsumerRecord> records = consumer.poll(Duration.ofSeconds(120));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(List.of("1:0=late"), values(records));
        assertTrue(elapsedMs < 60_000, "poll took " + elapsedMs + " ms to see the record");
        sender.join(60_000);
        assertFalse(sender.isAlive());
    }

    @Test
    void beginningEndAndTimeOffsets() {
        for (int i = 0; i < 4; i++) {
            send(P0, "a" + i, 100 * (i + 1));
        }
        assertEquals(Map.of(P0, 0L, P1, 0L), consumer.beginningOffsets(List.of(P0, P1)));
        assertEquals(Map.of(P0, 4L, P1, 0L), consumer.endOffsets(List.of(P0, P1)));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(P0, 150L, P1, 0L));
        assertEquals(Map.of(P0, new OffsetAndTimestamp(1, 200)), found,
                "the first record at or after 150 in P0; P1 is empty so it has no entry");
        assertEquals(new OffsetAndTimestamp(0, 100), consumer.offsetsForTimes(Map.of(P0, 0L)).get(P0));
        assertEquals(new OffsetAndTimestamp(3, 400), consumer.offsetsForTimes(Map.of(P0, 400L)).get(P0));
        assertTrue(consumer.offsetsForTimes(Map.of(P0, 401L)).isEmpty(), "every record is older");
    }

    @Test
    void closedConsumerRefusesCalls() {
        consumer.assign(List.of(P0));
        consumer.close();
        assertThrows(QueueClosedException.class, () -> consumer.poll(Duration.ZERO));
        assertThrows(QueueClosedException.class, () -> consumer.assign(List.of(P0)));
    }
}
