package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeliveryGuarantee;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.TransactionAbortedException;
import dev.photoqueue.queue.api.TransactionalProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The exactly-once promises of {@link TransactionalProducer}, through the API alone: a
 * transaction's outputs and its input acks appear together or not at all; consumers never read
 * the outputs of a transaction that did not commit; stale inputs and replaced producers are
 * fenced. Runs against every backend, like every suite on {@link ContractFixture}.
 */
public abstract class TransactionContractTest extends ContractFixture {

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeOpened() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private GroupConsumer consumer(GroupConsumerConfig.Builder config, String topic) {
        GroupConsumer c = backend().groupConsumer(config.build());
        opened.add(c);
        c.subscribe(List.of(topic));
        return c;
    }

    private TransactionalProducer transactional(String transactionalId) {
        TransactionalProducer p = backend().transactionalProducer(transactionalId);
        opened.add(p);
        return p;
    }

    /** In one transaction: an output "out-" + value per input, keyed like it, to {@code out}; the inputs acked. */
    private static List<CompletableFuture<RecordMetadata>> transform(TransactionalProducer tx, GroupConsumer from,
                                                                     List<ConsumerRecord> inputs, String out) {
        tx.beginTransaction();
        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        for (ConsumerRecord in : inputs) {
            sent.add(tx.send(ProducerRecord.of(out, in.keyAsString(), "out-" + in.valueAsString())));
            tx.ackInTransaction(from, in);
        }
        return sent;
    }

    /**
     * Every record of {@code topic} a consumer can read now, by value; reads up to the end offsets
     * taken first (on Kafka an aborted transaction still takes offsets, which are skipped).
     */
    private List<String> readAll(String topic, int partitions) {
        List<TopicPartition> tps = partitions(topic, partitions);
        try (var consumer = backend().consumer(dev.photoqueue.queue.api.ConsumerConfig.DEFAULTS)) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() - deadline > 0) {
                    fail("read " + values + " of " + topic + " but not up to its end offsets " + end);
                }
                consumer.poll(POLL).forEach(r -> values.add(r.valueAsString()));
            }
            return values.stream().sorted().toList();
        }
    }

    /**
     * Reads {@code topic} until it holds {@code expected} (sorted values), failing after
     * {@link #WAIT} or as soon as it holds more. A committed transaction's outputs may become
     * readable just after the commit returns: Kafka writes its commit markers after answering.
     */
    private void assertOutputs(List<String> expected, String topic, int partitions) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> values = readAll(topic, partitions);
        while (values.size() < expected.size() && System.nanoTime() - deadline < 0) {
            values = readAll(topic, partitions);
        }
        assertEquals(expected, values, "the outputs of " + topic);
    }

    private static RecordMetadata await(CompletableFuture<RecordMetadata> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("a committed transaction's send failed: " + e, e);
        }
    }

    private static Throwable failureOf(CompletableFuture<RecordMetadata> future) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        return e.getCause();
    }

    private static List<String> outputsFor(List<ConsumerRecord> inputs) {
        return inputs.stream().map(r -> "out-" + r.valueAsString()).sorted().toList();
    }

    @Test
    void committedTransactionPublishesItsOutputsAndAcksItsInputsTogether() {
        String in = createTopic(1);
        String out = createTopic(2);
        TopicPartition input = new TopicPartition(in, 0);
        produce(input, 3);
        String group = name("g");
        GroupConsumer member = consumer(config(group), in);
        List<ConsumerRecord> inputs = pollRecords(member, 3);
        TransactionalProducer tx = transactional(name("tx"));

        List<CompletableFuture<RecordMetadata>> sent = transform(tx, member, inputs, out);
        member.commitSync();
        assertEquals(List.of(), readAll(out, 2), "outputs are invisible before the commit");
        assertEquals(0, firstNotDone(group, input), "input acks wait for the commit");

        tx.commitTransaction();
        for (CompletableFuture<RecordMetadata> f : sent) {
            assertEquals(out, await(f).topic());
        }
        assertOutputs(outputsFor(inputs), out, 2);
        member.commitSync();
        assertEquals(3, firstNotDone(group, input));
    }

    @Test
    void abortedTransactionLeavesNoOutputsAndItsInputsAreDeliveredAgain() {
        String in = createTopic(1);
        String out = createTopic(1);
        TopicPartition input = new TopicPartition(in, 0);
        produce(input, 2);
        String group = name("g");
        GroupConsumer first = consumer(config(group), in);
        List<ConsumerRecord> inputs = pollRecords(first, 2);
        TransactionalProducer tx = transactional(name("tx"));

        List<CompletableFuture<RecordMetadata>> sent = transform(tx, first, inputs, out);
        tx.abortTransaction();
        for (CompletableFuture<RecordMetadata> f : sent) {
            assertInstanceOf(TransactionAbortedException.class, failureOf(f));
        }
        assertEquals(List.of(), readAll(out, 1));

        first.close();
        GroupConsumer second = consumer(config(group), in);
        List<ConsumerRecord> again = pollRecords(second, 2);
        assertEquals(List.of(0L, 1L), again.stream().map(ConsumerRecord::offset).toList());
        transform(tx, second, again, out);
        tx.commitTransaction();
        assertOutputs(outputsFor(inputs), out, 1);
        second.commitSync();
        assertEquals(2, firstNotDone(group, input));
    }

    @Test
    void commitWithAStaleInputDeliveryIsFencedAndPublishesNothing() {
        String in = createTopic(1);
        String out = createTopic(1);
        TopicPartition input = new TopicPartition(in, 0);
        produce(input, 1);
        String group = name("g");
        GroupConsumer silent = consumer(config(group).sessionTimeoutMs(SHORT_SESSION_MS), in);
        List<ConsumerRecord> taken = pollRecords(silent, 1);
        GroupConsumer taker = consumer(config(group), in);
        List<ConsumerRecord> retaken = pollRecords(taker, 1);
        assertEquals(0, retaken.get(0).offset(), "the silent member's record went to the other member");

        TransactionalProducer zombie = transactional(name("tx"));
        transform(zombie, silent, taken, out);
        assertThrows(FencedMemberException.class, zombie::commitTransaction);
        assertEquals(List.of(), readAll(out, 1), "a fenced transaction publishes nothing");

        TransactionalProducer live = transactional(name("tx"));
        transform(live, taker, retaken, out);
        live.commitTransaction();
        assertOutputs(outputsFor(retaken), out, 1);
    }

    @Test
    void newerProducerWithTheSameTransactionalIdFencesTheOlder() {
        String out = createTopic(1);
        String id = name("tx");
        TransactionalProducer older = transactional(id);
        TransactionalProducer newer = transactional(id);

        // Kafka may report the fence at begin, send or commit; the promise is that nothing commits.
        assertThrows(ProducerFencedException.class, () -> {
            older.beginTransaction();
            older.send(ProducerRecord.of(out, "k", "from-older"));
            older.commitTransaction();
        });
        newer.beginTransaction();
        newer.send(ProducerRecord.of(out, "k", "from-newer"));
        newer.commitTransaction();
        assertOutputs(List.of("from-newer"), out, 1);
    }

    @Test
    void committedTransactionSurvivesARestartAndItsInputsStayDone() {
        String in = createTopic(1);
        String out = createTopic(3);
        TopicPartition input = new TopicPartition(in, 0);
        produce(input, 4);
        String group = name("g");
        GroupConsumer member = consumer(config(group), in);
        List<ConsumerRecord> inputs = pollRecords(member, 4).subList(0, 3);
        TransactionalProducer tx = transactional(name("tx"));
        transform(tx, member, inputs, out);
        tx.commitTransaction();

        opened.clear();
        restart();
        GroupConsumer after = consumer(config(group), in);
        List<ConsumerRecord> redelivered = pollRecords(after, 1);
        assertEquals(List.of(3L), redelivered.stream().map(ConsumerRecord::offset).toList(),
                "only the record outside the transaction comes again");
        assertOutputs(outputsFor(inputs), out, 3);
    }

    @Test
    void transactionsRefuseInputsOfAtMostOnceMembers() {
        String in = createTopic(1);
        produce(new TopicPartition(in, 0), 1);
        GroupConsumer member = consumer(config(name("g")).delivery(DeliveryGuarantee.AT_MOST_ONCE), in);
        List<ConsumerRecord> taken = pollRecords(member, 1);
        TransactionalProducer tx = transactional(name("tx"));
        tx.beginTransaction();
        assertThrows(IllegalArgumentException.class, () -> tx.ackInTransaction(member, taken.get(0)));
        tx.abortTransaction();
    }

    @Test
    void transactionsRefuseInputsOfSharedMembers() {
        String in = createTopic(1);
        produce(new TopicPartition(in, 0), 1);
        GroupConsumer shared = consumer(config(name("g")).mode(ConsumptionMode.SHARED), in);
        List<ConsumerRecord> taken = pollRecords(shared, 1);
        TransactionalProducer tx = transactional(name("tx"));
        tx.beginTransaction();
        assertThrows(IllegalArgumentException.class, () -> tx.ackInTransaction(shared, taken.get(0)));
        tx.abortTransaction();
    }

    @Test
    void manyTransactionsOverManyPartitionsPublishEachOutputOnce() {
        String in = createTopic(3);
        String out = createTopic(4);
        for (TopicPartition tp : partitions(in, 3)) {
            produce(tp, 20);
        }
        String group = name("g");
        GroupConsumer member = consumer(config(group).maxPollRecords(7), in);
        TransactionalProducer tx = transactional(name("tx"));
        Map<TopicPartition, Integer> done = new TreeMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (done.values().stream().mapToInt(Integer::intValue).sum() < 60) {
            assertTrue(System.nanoTime() - deadline < 0, "transformed only " + done + " in " + WAIT.toSeconds() + " s");
            List<ConsumerRecord> batch = member.poll(POLL);
            if (batch.isEmpty()) {
                continue;
            }
            transform(tx, member, batch, out);
            tx.commitTransaction();
            batch.forEach(r -> done.merge(r.topicPartition(), 1, Integer::sum));
        }
        List<String> expected = new ArrayList<>();
        for (TopicPartition tp : partitions(in, 3)) {
            for (int i = 0; i < 20; i++) {
                expected.add("out-" + tp + "/" + i);
            }
        }
        assertOutputs(expected.stream().sorted().toList(), out, 4);
        member.commitSync();
        for (TopicPartition tp : partitions(in, 3)) {
            assertEquals(20, firstNotDone(group, tp));
        }
    }
}
