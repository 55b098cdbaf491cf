package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class GroupSmokeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void twoMembersSharePartitionsAndAGroupResumesAfterRestart() {
        Map<String, String> settings = Map.of("data.dir", dir.toString());
        try (QueueBackend backend = QueueBackends.open(settings)) {
            backend.admin().createTopic(new NewTopic("jobs", 4));
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < 1000; i++) {
                    producer.send(ProducerRecord.of("jobs", "k" + i, "v" + i));
                }
                producer.flush();
            }
            GroupConsumer a = backend.groupConsumer(GroupConsumerConfig.builder("g").clientId("a").build());
            GroupConsumer b = backend.groupConsumer(GroupConsumerConfig.builder("g").clientId("b").build());
            a.subscribe(List.of("jobs"));
            b.subscribe(List.of("jobs"));
            Set<String> seen = new HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seen.size() < 1000) {
                assertTrue(System.nanoTime() < deadline, "saw " + seen.size() + " of 1000 records in " + WAIT);
                for (GroupConsumer c : List.of(a, b)) {
                    for (ConsumerRecord r : c.poll(Duration.ofMillis(20))) {
                        assertTrue(seen.add(r.valueAsString()), "delivered twice: " + r);
                        c.ack(r);
                    }
                }
            }
            assertEquals(1000, seen.size());
            assertEquals(2, a.assignment().size());
            assertEquals(2, b.assignment().size());
            GroupDescription description = backend.admin().describeGroup("g");
            assertEquals(0, description.totalLag());
            assertEquals(2, description.members().size());
            a.close();
            b.close();
        }
        try (QueueBackend backend = QueueBackends.open(settings)) {
            assertEquals(0, backend.admin().describeGroup("g").totalLag());
            try (Producer producer = backend.producer()) {
                producer.send(ProducerRecord.of("jobs", "k", "after-restart"));
                producer.flush();
            }
            GroupConsumer c = backend.groupConsumer(GroupConsumerConfig.builder("g").build());
            c.subscribe(List.of("jobs"));
            List<ConsumerRecord> records = List.of();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no record after the restart within " + WAIT);
                records = c.poll(Duration.ofMillis(20));
            }
            assertEquals(1, records.size());
            assertEquals("after-restart", records.get(0).valueAsString());
            c.close();
        }
    }
}
