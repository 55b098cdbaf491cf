package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownPartitionException;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input through the API fails with the specific exception (in the send's future for a
 * producer) and the backend stays usable.
 */
class InhouseBadInputTest {

    @TempDir
    Path dir;

    /** A send and a read on topic "ok" still work. */
    private static void assertStillUsable(QueueBackend backend) {
        long offset = await(backend.producer().send(ProducerRecord.of("ok", "k", "fine").withPartition(0))).offset();
        try (Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
            TopicPartition tp = new TopicPartition("ok", 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            assertEquals("fine", consumer.poll(Duration.ofSeconds(5)).get(0).valueAsString());
        }
    }

    @Test
    void unknownTopicWithAutomaticCreationOffIsRefusedEverywhere() {
        try (QueueBackend backend = open(dir, "auto.create.topics", "false")) {
            backend.admin().createTopic(new NewTopic("ok", 2));
            Producer producer = backend.producer();
            UnknownTopicException send = assertInstanceOf(UnknownTopicException.class,
                    failureOf(producer.send(ProducerRecord.of("nope", "k", "v"))));
            assertEquals("nope", send.topic());
            try (Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
                assertThrows(UnknownTopicException.class, () -> consumer.assign(List.of(new TopicPartition("nope", 0))));
                assertThrows(UnknownTopicException.class,
                        () -> consumer.endOffsets(List.of(new TopicPartition("nope", 0))));
            }
            assertThrows(UnknownTopicException.class, () -> backend.admin().describeTopic("nope"));
            assertFalse(Files.exists(dir.resolve("nope")), "nothing was created");
            assertEquals(java.util.Set.of("ok"), backend.admin().listTopics());
            assertStillUsable(backend);
        }
    }

    @Test
    void unknownTopicIsCreatedWithDefaultPartitionsWhenAutomaticCreationIsOn() {
        try (QueueBackend backend = open(dir, "default.partitions", "3")) {
            backend.admin().createTopic(new NewTopic("ok", 1));
            await(backend.producer().send(ProducerRecord.of("fresh", "k", "v")));
            assertEquals(3, backend.admin().describeTopic("fresh").partitions().size());
        }
    }

    @Test
    void partitionOutOfRangeIsRefused() {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic("ok", 2));
            UnknownPartitionException e = assertInstanceOf(UnknownPartitionException.class,
                    failureOf(backend.producer().send(ProducerRecord.of("ok", "k", "v").withPartition(2))));
            assertEquals(2, e.partition());
            assertEquals(2, e.partitionCount());
            try (Consumer consumer = backend.consumer(ConsumerConfig.DEFAULTS)) {
                assertThrows(UnknownPartitionException.class, () -> consumer.assign(List.of(new TopicPartition("ok", 7))));
            }
            assertStillUsable(backend);
        }
    }

    @Test
    void oversizedRecordIsRefusedWithSizes() {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic("ok", 1).withConfigs(Map.of(TopicConfigs.MAX_RECORD_BYTES, "500")));
            RecordTooLargeException e = assertInstanceOf(RecordTooLargeException.class,
                    failureOf(backend.producer().send(new ProducerRecord("ok", 0, null, new byte[600], null, List.of()))));
            assertEquals(500, e.maxSize());
            assertTrue(e.size() > 600 && e.getMessage().contains("500"), e.getMessage());
            assertStillUsable(backend);
        }
    }

    @Test
    void invalidTopicNamesAreRefused() {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic("ok", 1));
            for (String name : List.of("has space", "a/b", "..", "")) {
                assertInstanceOf(InvalidTopicException.class,
                        failureOf(backend.producer().send(ProducerRecord.of(name, "k", "v"))), "send to \"" + name + "\"");
                assertThrows(InvalidTopicException.class, () -> backend.admin().createTopic(new NewTopic(name, 1)),
                        "create \"" + name + "\"");
            }
            assertStillUsable(backend);
        }
    }

    @Test
    void unknownOrBadSettingsAreRefusedByName() {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic("ok", 1));
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> backend.admin().createTopic(new NewTopic("t", 1).withConfigs(Map.of("retention.hours", "1"))));
            assertEquals("retention.hours", e.key());
            assertFalse(backend.admin().listTopics().contains("t"));
            assertStillUsable(backend);
        }
        for (String[] bad : List.of(new String[] {"topic.fsync", "sometimes"}, new String[] {"auto.create.topics", "maybe"},
                new String[] {"default.partitions", "0"}, new String[] {"topic.no.such.setting", "1"},
                new String[] {"backend", "carrier-pigeon"})) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> open(dir, bad).close(),
                    String.join("=", bad));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
        try (QueueBackend backend = open(dir)) {
            assertStillUsable(backend);
        }
    }
}
