package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries and dead letters in ORDERED mode: a released record comes again after its backoff while
 * other partitions flow; a rejected record, or one released {@code maxDeliveries} times, goes to
 * the dead-letter topic with its origin and the records behind it flow; dead letters are redriven
 * to their original partition once, with a fresh count, at the rate asked.
 */
public abstract class DeadLetterContractTest extends ContractFixture {

    @Test
    void releasedRecordComesAgainAfterTheBackoffWithItsCountIncrementedAndInOrderWhileAnotherPartitionFlows() {
        String topic = createTopic(2);
        TopicPartition slow = new TopicPartition(topic, 0);
        TopicPartition other = new TopicPartition(topic, 1);
        produce(slow, 3);
        produce(other, 2);
        // Long enough that the other partition's records come within it even on a loaded machine.
        // Each batch is timed by when its poll returned: a record of the slow partition in a batch
        // returned before the backoff ran out came too early, whatever the machine's speed.
        long backoffMs = 3_000;
        try (GroupConsumer c = groupConsumer(config(name("g")).retryBackoffMs(backoffMs).retryBackoffMaxMs(backoffMs),
                topic)) {
            List<ConsumerRecord> first = pollRecords(c, 5);
            c.ack(at(first, slow, 0));
            first.stream().filter(r -> r.topicPartition().equals(other)).forEach(c::ack);
            long releasedAt = System.nanoTime();
            c.acknowledge(at(first, slow, 1), AckType.RELEASE, "try later");
            produce(other, 2);

            List<ConsumerRecord> fromOther = new ArrayList<>();
            List<ConsumerRecord> again = new ArrayList<>();
            long otherCameMs = -1;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (fromOther.size() < 2 || again.size() < 2) {
                assertTrue(System.nanoTime() - deadline < 0, "waited " + WAIT.toSeconds() + " s; the other partition "
                        + "gave " + fromOther + ", the slow one " + again);
                List<ConsumerRecord> batch = c.poll(POLL);
                long returnedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt);
                for (ConsumerRecord r : batch) {
                    if (r.topicPartition().equals(slow)) {
                        assertTrue(returnedMs >= backoffMs * 0.8, slow + "@" + r.offset() + " came again "
                                + returnedMs + " ms after the release, before the backoff of " + backoffMs + " ms");
                        again.add(r);
                    } else {
                        fromOther.add(r);
                        otherCameMs = returnedMs;
                    }
                }
            }
            assertEquals(List.of(2L, 3L), fromOther.stream().map(ConsumerRecord::offset).toList());
            assertTrue(otherCameMs < backoffMs, "the other partition flowed while the released record waited, "
                    + "yet its records came " + otherCameMs + " ms after the release, past the backoff of "
                    + backoffMs + " ms");
            assertEquals(List.of(1L, 2L), again.stream().map(ConsumerRecord::offset).toList(), "in order: " + again);
            assertEquals(List.of(2, 1), again.stream().map(ConsumerRecord::deliveryCount).toList(),
                    "the released record counts again; the one behind it was given back, not delivered twice");
            again.forEach(c::ack);
            c.commitSync();
        }
    }

    @Test
    void recordReleasedUntilItIsDeadLetteredDoesNotUseUpTheDeliveriesOfTheRecordsBehindIt() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 4);
        String group = name("g");
        try (GroupConsumer c = groupConsumer(config(group).maxDeliveries(3).retryBackoffMs(0), topic)) {
            for (int delivery = 1; delivery <= 3; delivery++) {
                List<ConsumerRecord> batch = pollRecords(c, 4);
                assertEquals(List.of(0L, 1L, 2L, 3L), batch.stream().map(ConsumerRecord::offset).toList());
                assertEquals(List.of(delivery, 1, 1, 1), batch.stream().map(ConsumerRecord::deliveryCount).toList(),
                        "only the released record counts again");
                c.acknowledge(batch.get(0), AckType.RELEASE, "poison " + delivery);
            }
            List<ConsumerRecord> behind = pollRecords(c, 3);
            assertEquals(List.of(1L, 2L, 3L), behind.stream().map(ConsumerRecord::offset).toList(),
                    "the poison record went to the dead-letter topic, the ones behind it flow");
            behind.forEach(c::ack);
            c.commitSync();
            assertEquals(4, firstNotDone(group, tp));
        }
        List<ConsumerRecord> letters = admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(List.of("0"), letters.stream().map(r -> headerValue(r, DeadLetters.OFFSET)).toList());
        assertEquals("poison 3", headerValue(letters.get(0), DeadLetters.ERROR));
    }

    @Test
    void rejectedRecordIsDeadLetteredAtOnceWithItsOriginAndTheNextRecordFlows() {
        String topic = createTopic(2);
        TopicPartition tp = new TopicPartition(topic, 1);
        RecordMetadata sent = send(new ProducerRecord(topic, 1, bytes("key"), bytes("bad"), null,
                List.of(Header.of("trace", "abc"))));
        produce(tp, 1);
        String group = name("g");
        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            List<ConsumerRecord> got = pollRecords(c, 2);
            c.acknowledge(at(got, tp, 0), AckType.REJECT, "unreadable image");
            c.ack(at(got, tp, 1));
            c.commitSync();
            assertEquals(2, firstNotDone(group, tp), "the rejected record counts as done");
        }
        ConsumerRecord letter = onlyDeadLetter(topic, 1, "unreadable image", "rejected");
        assertEquals("key", letter.keyAsString());
        assertEquals("bad", letter.valueAsString());
        assertEquals("abc", headerValue(letter, "trace"));
        assertEquals(topic, headerValue(letter, DeadLetters.TOPIC));
        assertEquals("1", headerValue(letter, DeadLetters.PARTITION));
        assertEquals("0", headerValue(letter, DeadLetters.OFFSET));
        assertEquals(String.valueOf(sent.timestamp()), headerValue(letter, DeadLetters.TIMESTAMP));
        assertEquals(group, headerValue(letter, DeadLetters.GROUP));
        long at = Long.parseLong(headerValue(letter, DeadLetters.DEAD_LETTERED_AT));
        assertTrue(Math.abs(System.currentTimeMillis() - at) < WAIT.toMillis(), "dead-lettered at " + at);
    }

    @Test
    void recordReleasedMaxDeliveriesTimesIsDeadLetteredWithTheLastErrorAndTheNextRecordFlows() {
        String topic = createTopic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, 2);
        String group = name("g");
        try (GroupConsumer c = groupConsumer(config(group).maxDeliveries(3).retryBackoffMs(0).retryBackoffMaxMs(0)
                .maxPollRecords(1), topic)) {
            releaseTheFirstRecordAtEachDelivery(c, 3);
            ConsumerRecord next = pollRecords(c, 1).get(0);
            assertEquals(1, next.offset(), "the record behind the dead letter flows");
            assertEquals(1, next.deliveryCount());
            c.ack(next);
            c.commitSync();
            assertEquals(2, firstNotDone(group, tp));
        }
        ConsumerRecord letter = onlyDeadLetter(topic, 3, "failure 3", "max-deliveries");
        assertEquals(tp + "/0", letter.valueAsString());
    }

    /** Rejects every record of {@code topic} (partitions 0 and 1, {@code each} records each) as group {@code group}. */
    private void rejectAll(String topic, String group, int count) {
        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            for (ConsumerRecord r : pollRecords(c, count)) {
                c.acknowledge(r, AckType.REJECT, "no");
            }
            c.commitSync();
        }
    }

    @Test
    void redriveOfOneDeadLetterSendsItBackToItsOriginalPartitionOnceWithAFreshCount() {
        String topic = createTopic(3);
        TopicPartition tp = new TopicPartition(topic, 2);
        send(new ProducerRecord(topic, 2, bytes("k"), bytes("v"), null, List.of(Header.of("trace", "x"))));
        String group = name("g");
        rejectAll(topic, group, 1);
        String dlq = DeadLetters.topicFor(topic);
        long dlqOffset = admin().deadLetters(dlq).get(0).offset();

        assertTrue(admin().redrive(dlq, dlqOffset));
        assertFalse(admin().redrive(dlq, dlqOffset), "a dead letter is redriven once");
        assertEquals(List.of(), admin().deadLetters(dlq), "nothing left to redrive");

        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            ConsumerRecord back = pollRecords(c, 1).get(0);
            assertEquals(tp, back.topicPartition(), "back to its original partition");
            assertEquals(1, back.offset(), "as a new record");
            assertEquals(1, back.deliveryCount(), "with a fresh delivery count");
            assertEquals("k", back.keyAsString());
            assertEquals("v", back.valueAsString());
            // The in-house backend sends the copy in a transaction, whose outputs carry its pq.transaction marker.
            List<Header> headers = back.headers().stream().filter(h -> !h.key().equals("pq.transaction")).toList();
            assertEquals(List.of(Header.of("trace", "x")), headers, "the dead-letter headers are gone");
            c.ack(back);
        }
    }

    @Test
    void redriveAllSendsBackTheMatchingDeadLettersAndLeavesTheOthersListed() {
        String topic = createTopic(2);
        produce(new TopicPartition(topic, 0), 3);
        produce(new TopicPartition(topic, 1), 2);
        String group = name("g");
        rejectAll(topic, group, 5);
        String dlq = DeadLetters.topicFor(topic);
        assertEquals(5, admin().deadLetters(dlq).size());

        long redriven = admin().redriveAll(dlq, r -> "0".equals(headerValue(r, DeadLetters.PARTITION)), 1000);
        assertEquals(3, redriven);
        List<ConsumerRecord> left = admin().deadLetters(dlq);
        assertEquals(2, left.size(), left.toString());
        assertTrue(left.stream().allMatch(r -> "1".equals(headerValue(r, DeadLetters.PARTITION))), left.toString());
        assertEquals(2, admin().redriveAll(dlq, r -> true, 1000));
        assertEquals(List.of(), admin().deadLetters(dlq));

        try (GroupConsumer c = groupConsumer(config(group), topic)) {
            List<ConsumerRecord> back = pollRecords(c, 5);
            assertEquals(3, back.stream().filter(r -> r.partition() == 0).count(), back.toString());
            assertTrue(back.stream().allMatch(r -> r.deliveryCount() == 1), back.toString());
            back.forEach(c::ack);
        }
    }

    @Test
    void aRecordOfTheDeadLetterTopicThatIsNoDeadLetterStaysThereAndTheOthersAreRedriven() {
        String topic = createTopic(1);
        String dlq = DeadLetters.topicFor(topic);
        // Written there by hand, before any dead letter: it says nowhere where it would go back to.
        send(ProducerRecord.of(dlq, "stray", "not a dead letter"));
        produce(new TopicPartition(topic, 0), 2);
        rejectAll(topic, name("g"), 2);
        assertEquals(3, admin().deadLetters(dlq).size());

        assertEquals(2, admin().redriveAll(dlq, r -> true, 1000), "the two dead letters behind it go back");
        List<ConsumerRecord> left = admin().deadLetters(dlq);
        assertEquals(List.of("stray"), left.stream().map(ConsumerRecord::keyAsString).toList(), left.toString());
        assertFalse(admin().redrive(dlq, left.get(0).offset()), "it has nowhere to go back to");
        assertEquals(1, admin().deadLetters(dlq).size());
    }

    @Test
    void redriveAllStopsAtTheDeadLettersThereWereWhenItBegan() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 2);
        rejectAll(topic, name("g"), 2);
        String dlq = DeadLetters.topicFor(topic);
        boolean[] sentLate = {false};
        long redriven = admin().redriveAll(dlq, r -> {
            if (!sentLate[0]) {
                // A dead letter arriving during the redrive (a redriven record failing again) waits for the next one.
                send(ProducerRecord.of(dlq, "late", "late"));
                sentLate[0] = true;
            }
            return true;
        }, 1000);
        assertEquals(2, redriven);
        assertEquals(List.of("late"), admin().deadLetters(dlq).stream().map(ConsumerRecord::valueAsString).toList());
    }

    @Test
    void redriveAllKeepsToItsRate() {
        String topic = createTopic(1);
        produce(new TopicPartition(topic, 0), 5);
        rejectAll(topic, name("g"), 5);
        long start = System.nanoTime();
        assertEquals(5, admin().redriveAll(DeadLetters.topicFor(topic), r -> true, 20));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= 4 * 50 * 0.9, "5 records at 20/s took only " + elapsedMs + " ms");
    }
}
