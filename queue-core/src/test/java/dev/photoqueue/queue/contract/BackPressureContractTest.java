package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.BacklogFullException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.contract.TestMember.Acks;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Producer back pressure from consumer lag: with {@code max.backlog.records} on a topic, a
 * {@code trySend} past the slowest group's backlog fails at once and a {@code send} waits until the
 * group catches up.
 */
public abstract class BackPressureContractTest extends ContractFixture {

    /** A one-partition topic with {@code max.backlog.records}, and a member of a new group positioned on it. */
    private TestMember slowGroupOnLimitedTopic(TopicPartition[] tp, int maxBacklogRecords, Acks acks) {
        String topic = name("t");
        admin().createTopic(new NewTopic(topic, 1).withConfigs(Map.of(TopicConfigs.MAX_BACKLOG_RECORDS,
                String.valueOf(maxBacklogRecords))));
        tp[0] = new TopicPartition(topic, 0);
        String group = name("g");
        TestMember m = member(config(group), acks);
        m.subscribe(topic);
        pollUntil("group " + group + " has a position on " + topic,
                () -> describe(group).partitions().stream().anyMatch(l -> l.committed() >= 0), m);
        return m;
    }

    @Test
    void trySendFailsOnceTheSlowestGroupIsAtTheBacklogLimitAndPassesAfterItAcks() throws Exception {
        TopicPartition[] tp = new TopicPartition[1];
        TestMember m = slowGroupOnLimitedTopic(tp, 4, Acks.BY_TEST);
        produce(tp[0], 4);
        try (Producer p = backend().producer()) {
            ProducerRecord next = ProducerRecord.of(tp[0].topic(), "k", "over the limit");
            CompletableFuture<RecordMetadata> refused = p.trySend(next);
            Exception e = assertThrows(Exception.class, () -> refused.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            BacklogFullException full = assertInstanceOf(BacklogFullException.class, e.getCause());
            assertEquals(tp[0].topic(), full.topic());
            assertEquals(4, full.limit());

            pollUntilReceived(tp[0], 1, m);
            m.ack(tp[0], 0);
            m.ack(tp[0], 1);
            assertEquals(4, p.trySend(next).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).offset());
        }
    }

    @Test
    void sendWaitsWhileTheBacklogIsFullAndCompletesOnceTheGroupCatchesUp() throws Exception {
        TopicPartition[] tp = new TopicPartition[1];
        TestMember m = slowGroupOnLimitedTopic(tp, 2, Acks.AT_ONCE);
        produce(tp[0], 2);
        try (Producer p = backend().producer()) {
            CompletableFuture<RecordMetadata> waiting = CompletableFuture.supplyAsync(
                    () -> p.send(ProducerRecord.of(tp[0].topic(), "k", "after the backlog")).join());
            assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS),
                    "send must wait while the backlog is full");
            pollUntil("the waiting send completed", waiting::isDone, m);
            assertEquals(2, waiting.get().offset());
            pollUntilReceived(tp[0], 2, m);
        }
    }
}
