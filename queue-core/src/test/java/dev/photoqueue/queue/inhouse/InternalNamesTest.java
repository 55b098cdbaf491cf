package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The queue's own topics and groups stay out of the application's listings and names. */
class InternalNamesTest {

    @TempDir
    Path dir;

    @Test
    void internalTopicsAndGroupsAreNotListedAfterDeadLetteringAndRedrive() throws Exception {
        try (QueueBackend backend = InhouseTestSupport.open(dir)) {
            backend.admin().createTopic(new NewTopic("jobs", 1));
            try (Producer producer = backend.producer()) {
                producer.send(ProducerRecord.of("jobs", "k", "bad")).get();
            }
            try (GroupConsumer worker = backend.groupConsumer(GroupConsumerConfig.builder("workers").build())) {
                worker.subscribe(List.of("jobs"));
                List<ConsumerRecord> records = List.of();
                for (int i = 0; i < 100 && records.isEmpty(); i++) {
                    records = worker.poll(Duration.ofMillis(50));
                }
                assertEquals(1, records.size());
                worker.acknowledge(records.get(0), AckType.REJECT, "not an image");
            }
            assertEquals(1, backend.admin().redriveAll(DeadLetters.topicFor("jobs"), r -> true, 1000));
            assertEquals(List.of("workers"), List.copyOf(backend.admin().listGroups()));
            assertEquals(List.of("jobs", "jobs.dlq"), List.copyOf(backend.admin().listTopics()));
        }
    }

    @Test
    void subscribingToATopicWhoseDeadLetterTopicNameWouldBeTooLongIsRefusedAtOnce() {
        String longest = "t".repeat(249);
        try (QueueBackend backend = InhouseTestSupport.open(dir)) {
            backend.admin().createTopic(new NewTopic(longest, 1));
            try (GroupConsumer worker = backend.groupConsumer(GroupConsumerConfig.builder("workers").build())) {
                InvalidTopicException e = assertThrows(InvalidTopicException.class,
                        () -> worker.subscribe(List.of(longest)));
                assertTrue(e.getMessage().contains("dead-letter topic"), e.getMessage());
            }
        }
    }
}
