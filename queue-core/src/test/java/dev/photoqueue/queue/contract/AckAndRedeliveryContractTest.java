package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.contract.GroupFixtures.GroupOnTopic;
import dev.photoqueue.queue.contract.TestMember.Acks;
import dev.photoqueue.queue.contract.TestMember.OnRevoke;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acknowledgements and redelivery in ORDERED mode: the committed position is the first record not
 * acked, whatever the order of the acks; at-least-once gives unacked records again, in offset order
 * and counted, after a crash or a restart; at-most-once never gives a record twice.
 */
public abstract class AckAndRedeliveryContractTest extends ContractFixture {

    @Test
    void committedPositionIsTheFirstUnackedRecordWhenAcksArriveOutOfOrder() {
        GroupOnTopic g = given.newGroupOn(1, 10);
        TopicPartition tp = g.partition();
        String group = g.group;
        TestMember a = g.join(Acks.BY_TEST);
        pollUntil("a received all 10", () -> a.receivedCount() == 10, a);
        assertEquals(range(0, 10), a.offsets(tp));

        a.ack(tp, 1);
        a.ack(tp, 2);
        a.ack(tp, 4);
        assertCommitted(a, group, tp, 0);
        a.ack(tp, 0);
        assertCommitted(a, group, tp, 3);
        a.ack(tp, 3);
        a.ack(tp, 3);
        assertCommitted(a, group, tp, 5);
        for (long offset = 9; offset >= 5; offset--) {
            a.ack(tp, offset);
        }
        assertCommitted(a, group, tp, 10);
        assertEquals(0, lag(group, tp).lag());
    }

    private void assertCommitted(TestMember m, String group, TopicPartition tp, long expected) {
        m.consumer.commitSync();
        assertEquals(expected, firstNotDone(group, tp), "committed position of " + group + " on " + tp);
        PartitionLag lag = lag(group, tp);
        assertEquals(lag.endOffset() - expected, lag.lag(), "lag of " + tp);
    }

    @Test
    void redeliveryKeepsOffsetOrderAndSkipsRecordsAlreadyAcked() {
        GroupOnTopic g = given.aTakesAll(1, 10, Acks.BY_TEST, OnRevoke.GIVE_UP);
        TopicPartition tp = g.partition();
        TestMember a = g.a;
        for (long offset : new long[] {7, 2, 0, 3}) {
            a.ack(tp, offset);
        }
        a.close();

        TestMember b = g.join(g.config().clientId("b").maxPollRecords(3), Acks.BY_TEST);
        produce(tp, 1);
        pollUntilReceived(tp, 10, b);
        assertEquals(List.of(1L, 4L, 5L, 6L, 8L, 9L, 10L), b.offsets(tp));
        assertDeliveryCounts(2, b.received(tp).subList(0, 6));
        assertEquals(1, b.received(tp, 10).deliveryCount());
    }

    @Test
    void atMostOnceRecordsTakenByASilentMemberAreNotDeliveredAgain() {
        GroupOnTopic g = given.newGroupOn(1, 10);
        TopicPartition tp = g.partition();
        TestMember a = g.join(g.config().clientId("a").delivery(DeliveryGuarantee.AT_MOST_ONCE)
                .sessionTimeoutMs(SHORT_SESSION_MS).maxPollRecords(4), Acks.BY_TEST);
        pollUntil("a took some records", () -> a.receivedCount() > 0, a);
        long taken = a.receivedCount();
        assertEquals(range(0, taken), a.offsets(tp));

        TestMember b = g.join(g.config().clientId("b").delivery(DeliveryGuarantee.AT_MOST_ONCE), Acks.BY_TEST);
        pollUntilReceived(tp, 9, b);
        assertEquals(range(taken, 10), b.offsets(tp), "b got only what a had not taken");
    }

    @Test
    void atMostOnceRecordsTakenBeforeARestartAreNotDeliveredAgain() {
        GroupOnTopic g = given.newGroupOn(1, 10);
        TopicPartition tp = g.partition();
        GroupConsumerConfig.Builder atMostOnce = g.config().delivery(DeliveryGuarantee.AT_MOST_ONCE).maxPollRecords(4);
        TestMember a = g.join(atMostOnce, Acks.BY_TEST);
        pollUntil("a took some records", () -> a.receivedCount() > 0, a);
        long taken = a.receivedCount();

        restart();
        TestMember b = g.join(atMostOnce, Acks.BY_TEST);
        pollUntilReceived(tp, 9, b);
        assertEquals(range(taken, 10), b.offsets(tp), "nothing a took before the restart came again");
    }

    @Test
    void atLeastOnceRedeliversUnackedRecordsOfACrashedMemberWithDeliveryCountTwo() {
        GroupOnTopic g = given.aReceivesAllThenFallsSilent(1, 3);
        TopicPartition tp = g.partition();
        assertDeliveryCounts(1, g.a.received());

        TestMember b = g.join("b", Acks.BY_TEST);
        pollUntil("b received the 3 records a never acked", () -> b.receivedCount() == 3, b);
        assertEquals(range(0, 3), b.offsets(tp));
        assertDeliveryCounts(2, b.received());
    }

    @Test
    void atLeastOnceRedeliversUnackedRecordsAfterARestart() {
        GroupOnTopic g = given.aAcksThenTheBackendRestarts(1, 3, 0);
        TopicPartition tp = g.partition();
        TestMember b = g.join(Acks.BY_TEST);
        pollUntil("b received the 2 records a never acked", () -> b.receivedCount() == 2, b);
        assertEquals(List.of(1L, 2L), b.offsets(tp));
        for (ConsumerRecord r : b.received()) {
            assertTrue(r.deliveryCount() >= 1, "delivery counted: " + r);
        }
    }

    @Test
    void deliveryCountSurvivesARestartWithoutAck() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 1);
        String group = name("g");
        GroupConsumer before = groupConsumer(config(group), topic);
        assertEquals(1, pollRecords(before, 1).get(0).deliveryCount());
        restart();
        try (GroupConsumer after = groupConsumer(config(group), topic)) {
            ConsumerRecord again = pollRecords(after, 1).get(0);
            assertEquals(0, again.offset());
            assertEquals(2, again.deliveryCount(), "the first delivery was counted before it was handed out");
        }
    }

    @Test
    void renewIsRefusedInOrderedMode() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 1);
        try (GroupConsumer c = groupConsumer(config(name("g")), topic)) {
            ConsumerRecord r = pollRecords(c, 1).get(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.acknowledge(r, AckType.RENEW));
            assertTrue(e.getMessage().contains("RENEW"), e.getMessage());
        }
    }
}
