package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.Partitioners;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a producer and a plain (assigned, not grouped) consumer promise: where a record lands and
 * at which offset, that a consumer reads a partition in offset order from where it is positioned,
 * and that end offsets and time lookups name the right records.
 */
public abstract class ProduceAndReadContractTest extends ContractFixture {

    @Test
    void sendReportsTopicPartitionConsecutiveOffsetsAndTimestamp() {
        String topic = createTopic(3);
        long base = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 3; i++) {
            RecordMetadata md = send(new ProducerRecord(topic, 1, null, bytes("v" + i), base + i, List.of()));
            assertEquals(topic, md.topic());
            assertEquals(1, md.partition());
            assertEquals(i, md.offset());
            assertEquals(base + i, md.timestamp());
        }
        RecordMetadata other = send(ProducerRecord.of(topic, null, "x").withPartition(2));
        assertEquals(new TopicPartition(topic, 2), other.topicPartition());
        assertEquals(0, other.offset());
    }

    @Test
    void keyedRecordsLandOnThePartitionOfTheirKeyInSendOrder() {
        String topic = createTopic(6);
        Map<Integer, List<String>> sentByPartition = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            String key = "photo-" + (i % 20);
            RecordMetadata md = send(ProducerRecord.of(topic, key, key + "#" + i));
            assertEquals(Partitioners.forKey(bytes(key), 6), md.partition(), "partition of key " + key);
            sentByPartition.computeIfAbsent(md.partition(), p -> new ArrayList<>()).add(key + "#" + i);
        }
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            for (Map.Entry<Integer, List<String>> e : sentByPartition.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, e.getKey());
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<String> read = readValues(consumer, e.getValue().size());
                assertEquals(e.getValue(), read, "records of " + tp + " in send order");
            }
        }
    }

    @Test
    void assignedConsumerReadsFromItsPositionAndSeeks() {
        String topic = createTopic(2);
        TopicPartition tp = new TopicPartition(topic, 1);
        long ts = System.currentTimeMillis() - 1_000;
        for (int i = 0; i < 10; i++) {
            send(new ProducerRecord(topic, 1, bytes("k" + i), bytes("v" + i), ts + i,
                    List.of(Header.of("n", String.valueOf(i)))));
        }
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            consumer.assign(List.of(tp));
            assertEquals(Set.of(tp), consumer.assignment());
            consumer.seekToBeginning(List.of(tp));
            assertEquals(0, consumer.position(tp));
            List<ConsumerRecord> all = read(consumer, 10);
            for (int i = 0; i < 10; i++) {
                ConsumerRecord r = all.get(i);
                assertEquals(tp, r.topicPartition());
                assertEquals(i, r.offset());
                assertEquals("k" + i, r.keyAsString());
                assertEquals("v" + i, r.valueAsString());
                assertEquals(ts + i, r.timestamp());
                assertEquals(String.valueOf(i), r.header("n").valueAsString());
            }
            assertEquals(10, consumer.position(tp));

            assertThrows(OffsetOutOfRangeException.class, () -> consumer.seek(tp, 11));
            consumer.seek(tp, 6);
            assertEquals(range(6, 10), read(consumer, 4).stream().map(ConsumerRecord::offset).toList());

            consumer.seekToEnd(List.of(tp));
            assertEquals(10, consumer.position(tp));
            send(new ProducerRecord(topic, 1, null, bytes("after-end"), null, List.of()));
            assertEquals("after-end", read(consumer, 1).get(0).valueAsString());
            assertEquals(Map.of(tp, 0L), consumer.beginningOffsets(List.of(tp)));
        }
    }

    @Test
    void endOffsetsAreTheOffsetTheNextRecordGets() {
        String topic = createTopic(2);
        List<TopicPartition> tps = partitions(topic, 2);
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            assertEquals(Map.of(tps.get(0), 0L, tps.get(1), 0L), consumer.endOffsets(tps));
            produce(tps.get(0), 3);
            produce(tps.get(1), 1);
            assertEquals(Map.of(tps.get(0), 3L, tps.get(1), 1L), consumer.endOffsets(tps));
            assertEquals(3, produce(tps.get(0), 1).get(0).offset());
        }
    }

    @Test
    void offsetsForTimesFindsTheFirstOffsetAtOrAfterATime() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        long base = System.currentTimeMillis() - 60_000;
        long[] stamps = {base, base + 1_000, base + 2_000, base + 2_000, base + 3_000};
        for (long stamp : stamps) {
            send(new ProducerRecord(topic, 0, null, bytes("at " + stamp), stamp, List.of()));
        }
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            assertEquals(new OffsetAndTimestamp(0, base), consumer.offsetsForTimes(Map.of(tp, base - 5_000)).get(tp));
            assertEquals(new OffsetAndTimestamp(1, base + 1_000), consumer.offsetsForTimes(Map.of(tp, base + 1_000)).get(tp));
            assertEquals(new OffsetAndTimestamp(2, base + 2_000), consumer.offsetsForTimes(Map.of(tp, base + 1_500)).get(tp));
            assertEquals(new OffsetAndTimestamp(2, base + 2_000), consumer.offsetsForTimes(Map.of(tp, base + 2_000)).get(tp));
            assertEquals(new OffsetAndTimestamp(4, base + 3_000), consumer.offsetsForTimes(Map.of(tp, base + 2_001)).get(tp));
            assertNull(consumer.offsetsForTimes(Map.of(tp, base + 3_001)).get(tp), "every record is older");
        }
    }

    @Test
    void pollHandsOutAListTheCallerCannotChange() {
        String topic = createTopic(2);
        produce(partitions(topic, 2), 3);
        try (Consumer consumer = backend().consumer(ConsumerConfig.DEFAULTS)) {
            consumer.assign(partitions(topic, 2));
            consumer.seekToBeginning(partitions(topic, 2));
            assertUnmodifiable("a consumer's poll", firstRecords(consumer::poll));
        }
        try (GroupConsumer ordered = groupConsumer(config(name("ordered")), topic)) {
            assertUnmodifiable("an ORDERED member's poll", firstRecords(ordered::poll));
        }
        try (GroupConsumer shared = sharedConsumer(config(name("shared")), topic)) {
            assertUnmodifiable("a SHARED member's poll", firstRecords(shared::poll));
        }
    }

    /** The first records a poll returns; fails after {@link #WAIT}. */
    private static List<ConsumerRecord> firstRecords(Function<Duration, List<ConsumerRecord>> poll) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            List<ConsumerRecord> records = poll.apply(POLL);
            if (!records.isEmpty()) {
                return records;
            }
        }
        return fail("waited " + WAIT.toSeconds() + " s for a poll to return records");
    }

    private static void assertUnmodifiable(String what, List<ConsumerRecord> records) {
        ConsumerRecord first = records.get(0);
        assertThrows(UnsupportedOperationException.class, () -> records.add(first), what + ": add");
        assertThrows(UnsupportedOperationException.class, () -> records.set(0, first), what + ": set");
        assertThrows(UnsupportedOperationException.class, () -> records.remove(0), what + ": remove");
        assertEquals(first, records.get(0), what + ": the list is as it was returned");
    }
}
