package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Closing a member is a revocation of everything it was given: its revoke callback runs for every
 * such partition, those already being moved to another member included, and may still ack what
 * the member finished, so nothing it acked there is delivered again.
 */
@Timeout(180)
class GroupConsumerCloseTest {

    private static final String TOPIC = "jobs";
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    private QueueBackend backend;

    @BeforeEach
    void openBackend() {
        backend = open(dir);
        backend.admin().createTopic(new NewTopic(TOPIC, PARTITIONS));
        try (Producer producer = backend.producer()) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord(TOPIC, p, null, bytes("p" + p + "-" + i), null, List.of()));
                }
            }
        }
    }

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    /** Acks, in its revoke callback, the records it processed of the revoked partitions. */
    private static final class FinishingListener implements RebalanceListener {
        final List<ConsumerRecord> processed = new ArrayList<>();
        final Set<TopicPartition> revoked = new TreeSet<>();
        GroupConsumer consumer;

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
            for (ConsumerRecord r : List.copyOf(processed)) {
                if (partitions.contains(r.topicPartition())) {
                    consumer.ack(r);
                    processed.remove(r);
                }
            }
        }
    }

    private GroupConsumer member(String clientId, FinishingListener listener) {
        GroupConsumer c = backend.groupConsumer(GroupConsumerConfig.builder("g").clientId(clientId).build());
        listener.consumer = c;
        c.subscribe(List.of(TOPIC), listener);
        return c;
    }

    private static List<ConsumerRecord> pollAll(GroupConsumer c, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (out.size() < count) {
            assertTrue(System.nanoTime() < deadline, "polled " + out.size() + " of " + count + " records in 60 s");
            out.addAll(c.poll(Duration.ofMillis(20)));
        }
        assertEquals(count, out.size());
        return out;
    }

    @Test
    void theRevokeCallbackOfCloseMayAckWhatTheMemberFinished() {
        FinishingListener listener = new FinishingListener();
        GroupConsumer a = member("a", listener);
        listener.processed.addAll(pollAll(a, PARTITIONS * 5));
        a.close();
        assertEquals(List.of(), listener.processed, "every processed record was acked in the callback");
        assertEquals(0, backend.admin().describeGroup("g").totalLag());

        GroupConsumer b = backend.groupConsumer(GroupConsumerConfig.builder("g").clientId("b").build());
        b.subscribe(List.of(TOPIC));
        assertEquals(List.of(), b.poll(Duration.ofMillis(100)), "nothing acked is delivered again");
        b.close();
    }

    @Test
    void closeRevokesAlsoThePartitionsAlreadyBeingMovedToAnotherMember() {
        FinishingListener listenerOfA = new FinishingListener();
        GroupConsumer a = member("a", listenerOfA);
        listenerOfA.processed.addAll(pollAll(a, PARTITIONS * 5));
        // b's join asks a to give up half of its partitions; a closes before its next poll hears of it.
        GroupConsumer b = member("b", new FinishingListener());
        a.close();

        Set<TopicPartition> all = new TreeSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            all.add(new TopicPartition(TOPIC, p));
        }
        assertEquals(all, listenerOfA.revoked, "a was given every partition, so it gives every one up");
        assertEquals(List.of(), listenerOfA.processed);
        assertEquals(List.of(), b.poll(Duration.ofMillis(100)), "a finished everything; b has nothing to redo");
        b.close();
    }
}
