package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicDescription;
import dev.photoqueue.queue.api.TopicExistsException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/** Creating, listing and describing topics through the API; topics and their settings persist. */
class InhouseAdminTest {

    @TempDir
    Path dir;

    @Test
    void createdTopicsAreListedAndDescribedWithTheirSettings() {
        try (QueueBackend backend = open(dir, "topic.retention.ms", "3600000")) {
            Admin admin = backend.admin();
            admin.createTopic(new NewTopic("uploads", 3).withConfigs(Map.of(TopicConfigs.FSYNC, "always")));
            admin.createTopic(new NewTopic("thumbnails", 1));
            assertEquals(Set.of("uploads", "thumbnails"), admin.listTopics());
            for (int i = 0; i < 5; i++) {
                await(backend.producer().send(ProducerRecord.of("uploads", (String) null, "v" + i).withPartition(1)));
            }
            TopicDescription d = admin.describeTopic("uploads");
            assertEquals("uploads", d.name());
            assertEquals(3, d.partitions().size());
            PartitionInfo p1 = d.partitions().get(1);
            assertEquals(1, p1.partition());
            assertEquals(0, p1.startOffset());
            assertEquals(5, p1.endOffset());
            assertEquals(5, p1.recordCount());
            assertTrue(p1.sizeBytes() > 0);
            assertEquals(0, d.partitions().get(0).recordCount());
            assertEquals("always", d.configs().get(TopicConfigs.FSYNC), "the topic's own setting");
            assertEquals("3600000", d.configs().get(TopicConfigs.RETENTION_MS), "the backend's default for topics");
        }
        try (QueueBackend backend = open(dir)) {
            TopicDescription d = backend.admin().describeTopic("uploads");
            assertEquals(5, d.partitions().get(1).endOffset(), "records persist");
            assertEquals("always", d.configs().get(TopicConfigs.FSYNC), "settings persist");
        }
    }

    @Test
    void createTwiceFailsAndCreateIfAbsentSaysWhetherItCreated() {
        try (QueueBackend backend = open(dir)) {
            Admin admin = backend.admin();
            assertTrue(admin.createTopicIfAbsent(new NewTopic("t", 2)));
            assertFalse(admin.createTopicIfAbsent(new NewTopic("t", 5)));
            assertEquals(2, admin.describeTopic("t").partitions().size(), "the first creation stands");
            TopicExistsException e = assertThrows(TopicExistsException.class, () -> admin.createTopic(new NewTopic("t", 1)));
            assertEquals("t", e.topic());
        }
    }

    @Test
    void describingAnUnknownTopicFails() {
        try (QueueBackend backend = open(dir)) {
            UnknownTopicException e = assertThrows(UnknownTopicException.class,
                    () -> backend.admin().describeTopic("missing"));
            assertEquals("missing", e.topic());
        }
    }

    @Test
    void describeGroupCountsTheRecordsEachSharedMemberHoldsLocked() {
        try (QueueBackend backend = open(dir)) {
            backend.admin().createTopic(new NewTopic("jobs", 2));
            for (int i = 0; i < 6; i++) {
                await(backend.producer().send(ProducerRecord.of("jobs", (String) null, "v" + i).withPartition(i % 2)));
            }
            GroupConsumerConfig.Builder config = GroupConsumerConfig.builder("workers").mode(ConsumptionMode.SHARED)
                    .maxPollRecords(4);
            try (GroupConsumer holder = backend.groupConsumer(config.build());
                 GroupConsumer idle = backend.groupConsumer(config.build())) {
                holder.subscribe(List.of("jobs"));
                idle.subscribe(List.of("jobs"));
                List<ConsumerRecord> held = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (held.size() < 4) {
                    assertTrue(System.nanoTime() < deadline, "the holder took " + held + " within 60 s, not 4 records");
                    held.addAll(holder.poll(Duration.ofMillis(50)));
                }
                holder.ack(held.get(0));
                Map<TopicPartition, Integer> expected = new TreeMap<>();
                held.subList(1, held.size()).forEach(r -> expected.merge(r.topicPartition(), 1, Integer::sum));

                GroupDescription d = backend.admin().describeGroup("workers");
                Map<String, Map<TopicPartition, Integer>> locked = new TreeMap<>();
                d.members().forEach(m -> locked.put(m.memberId(), new TreeMap<>(m.locked())));
                assertEquals(Map.of(holder.memberId(), expected, idle.memberId(), Map.of()), locked);
            }
        }
    }
}
