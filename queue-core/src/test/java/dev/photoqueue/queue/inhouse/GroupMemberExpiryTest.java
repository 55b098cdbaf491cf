package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RebalanceListener;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A member that stops calling the consumer past its session timeout is removed: its acks are
 * fenced, its next poll tells it the partitions were lost and joins it again under a new member
 * id, and its unacked records go to whoever owns the partition next.
 */
@Timeout(180)
class GroupMemberExpiryTest {

    private static final String TOPIC = "jobs";
    /**
     * The session of the member a test lets go silent. It is live first, and a loaded machine may
     * stall the test thread between two of its calls: the session outlasts such a stall. Members
     * that must stay keep the default session.
     */
    private static final long SESSION_MS = 2_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private QueueBackend backend;

    @BeforeEach
    void openBackend() {
        backend = open(dir);
        backend.admin().createTopic(new NewTopic(TOPIC, 1));
        try (Producer producer = backend.producer()) {
            for (int i = 0; i < 10; i++) {
                producer.send(ProducerRecord.of(TOPIC, "k" + i, "v" + i));
            }
        }
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    /** A member the test will let go silent: its session is short. */
    private GroupConsumer silentLater(String clientId) {
        return backend.groupConsumer(GroupConsumerConfig.builder("g").clientId(clientId)
                .sessionTimeoutMs(SESSION_MS).build());
    }

    /** A member the test keeps calling: the default session, which no stall of a loaded machine outlasts. */
    private GroupConsumer live(String clientId) {
        return backend.groupConsumer(GroupConsumerConfig.builder("g").clientId(clientId).build());
    }

    private int memberCount() {
        return backend.admin().describeGroup("g").members().size();
    }

    /**
     * Polls {@code live} (so it stays in the group) until the group has {@code members} members;
     * returns what those polls handed out.
     */
    private List<ConsumerRecord> pollUntilMembers(GroupConsumer live, int members) {
        List<ConsumerRecord> polled = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (memberCount() != members) {
            assertTrue(System.nanoTime() < deadline, "the group has " + memberCount() + " members, not " + members
                    + ", after " + WAIT);
            polled.addAll(live.poll(Duration.ofMillis(10)));
        }
        return polled;
    }

    private static List<ConsumerRecord> pollUntilRecords(GroupConsumer c) {
        List<ConsumerRecord> records = List.of();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no records within " + WAIT);
            records = c.poll(Duration.ofMillis(20));
        }
        return records;
    }

    @Test
    void aMemberExpiredWhileOwningNothingJoinsAgainAtItsNextPoll() {
        GroupConsumer owner = live("owner");
        GroupConsumer idle = silentLater("idle");
        owner.subscribe(List.of(TOPIC));
        assertEquals(10, pollUntilRecords(owner).size());
        idle.subscribe(List.of(TOPIC));
        assertEquals(List.of(), idle.poll(Duration.ofMillis(10)), "one partition, and owner has it");
        String idleId = idle.memberId();

        assertEquals(List.of(), pollUntilMembers(owner, 1));
        owner.close();

        List<ConsumerRecord> records = pollUntilRecords(idle);
        assertNotEquals(idleId, idle.memberId(), "the expired member joined again under a new id");
        assertEquals(10, records.size(), "owner acked nothing, so everything is delivered again");
        assertEquals(2, records.get(0).deliveryCount());
        idle.close();
    }

    @Test
    void aMemberExpiredWhileOwningPartitionsIsFencedToldTheyWereLostAndItsRecordsGoToTheNextOwner() {
        List<String> events = new ArrayList<>();
        GroupConsumer stalled = silentLater("stalled");
        stalled.subscribe(List.of(TOPIC), new RebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                events.add("assigned " + partitions);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                events.add("revoked " + partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                events.add("lost " + partitions);
            }
        });
        List<ConsumerRecord> held = pollUntilRecords(stalled);
        stalled.ack(held.get(0));
        stalled.ack(held.get(1));
        String stalledId = stalled.memberId();

        GroupConsumer other = live("other");
        other.subscribe(List.of(TOPIC));
        List<ConsumerRecord> taken = new ArrayList<>(pollUntilMembers(other, 1));

        assertThrows(FencedMemberException.class, () -> stalled.ack(held.get(2)));
        if (taken.isEmpty()) {
            taken.addAll(pollUntilRecords(other));
        }
        assertEquals(8, taken.size(), "the records after the two acked ones");
        assertEquals(2, taken.get(0).offset());

        assertEquals(List.of(), stalled.poll(Duration.ofMillis(20)), "the partition is other's now");
        assertEquals(List.of("assigned [jobs-0]", "lost [jobs-0]"), events);
        assertNotEquals(stalledId, stalled.memberId());
        assertEquals(2, memberCount(), "the stalled member is back, under a new id");
        stalled.close();
        other.close();
    }
}
