package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DataDirectoryLockedException;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.queue.testing.StandardErrorCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.queue.env.FaultyFileIO.named;
import static dev.photoqueue.queue.env.FaultyFileIO.under;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writers above the log, on real files whose writes are made to fail: committed positions and
 * delivery counts ({@code __consumer_offsets}), transaction decisions ({@code __transactions}),
 * dead letters, and the data-directory lock. A failed write fails the operation that depended on
 * it, nothing becomes visible half done, and once the disk is healthy the same operation succeeds.
 */
class InhouseStorageFaultTest {

    private static final String TOPIC = "jobs";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration POLL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final FaultyFileIO files = new FaultyFileIO();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception ignored) {
                // a backend with an offline partition refuses a clean close
            }
        }
    }

    private InhouseBackend backend() {
        InhouseBackend backend = InhouseBackend.open(InhouseConfig.parse(Map.of(InhouseConfig.DATA_DIR,
                dir.toString())).withEnv(Env.system().withFiles(files)));
        open.add(backend);
        backend.admin().createTopicIfAbsent(new NewTopic(TOPIC, 1));
        return backend;
    }

    private GroupConsumer member(InhouseBackend backend, String group) {
        GroupConsumer member = backend.groupConsumer(GroupConsumerConfig.builder(group).retryBackoffMs(0)
                .retryBackoffMaxMs(0).build());
        open.add(member);
        member.subscribe(List.of(TOPIC));
        return member;
    }

    private static void produce(InhouseBackend backend, String... values) {
        try (Producer producer = backend.producer()) {
            for (String v : values) {
                producer.send(ProducerRecord.of(TOPIC, v, v)).join();
            }
        }
    }

    /** Polls until {@code count} records came (a poll may return part of them). */
    private static List<ConsumerRecord> pollFor(GroupConsumer member, int count) {
        List<ConsumerRecord> got = new ArrayList<>();
        long deadline = System.nanoTime() + POLL.toNanos() * 3;
        while (got.size() < count && System.nanoTime() < deadline) {
            got.addAll(member.poll(POLL));
        }
        assertEquals(count, got.size(), "records polled: " + got);
        return got;
    }

    private static long committed(InhouseBackend backend, String group) {
        for (GroupDescription.PartitionLag lag : backend.admin().describeGroup(group).partitions()) {
            if (lag.topicPartition().equals(TP)) {
                return lag.committed();
            }
        }
        throw new AssertionError("group " + group + " has no position on " + TP);
    }

    private static String value(ConsumerRecord r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aPositionThatCannotBeWrittenFailsCommitSyncAndIsWrittenOnceTheDiskIsHealthyAgain() {
        InhouseBackend backend = backend();
        produce(backend, "a", "b", "c");
        GroupConsumer member = member(backend, "g");
        pollFor(member, 3).forEach(member::ack);

        files.diskFullAfter(0, under(dir.resolve(LogGroupStateStore.TOPIC)));
        QueueException failed = assertThrows(QueueException.class, member::commitSync);
        assertTrue(failed.getMessage().contains("No space left on device"), failed.getMessage());

        files.heal();
        member.commitSync();
        member.close();
        open.remove(member);
        backend.close();
        open.remove(backend);
        assertEquals(3, committed(backend(), "g"), "the pending position was written once the disk had room");
    }

    @Test
    void aPositionThatCannotBeWrittenIsLoggedWithItsGroupAndWhyInWords() {
        InhouseBackend backend = backend();
        produce(backend, "a");
        GroupConsumer member = member(backend, "g");
        pollFor(member, 1).forEach(member::ack);

        files.diskFullAfter(0, under(dir.resolve(LogGroupStateStore.TOPIC)));
        List<String> lines;
        try (StandardErrorCapture err = StandardErrorCapture.start()) {
            assertThrows(QueueException.class, member::commitSync);
            lines = err.linesWith("positions of group g failed");
        }

        assertEquals(1, lines.size(), "logged once until a write succeeds: " + lines);
        String line = lines.get(0);
        assertTrue(line.contains("No space left on device"), line);
        assertTrue(line.contains(dir.resolve(LogGroupStateStore.TOPIC).toString()), "names the file: " + line);
        assertFalse(line.contains("java.") || line.contains("Exception"), "no Java type's name: " + line);
    }

    @Test
    void aPollWhoseDeliveryCountsCannotBeForcedHandsNothingOutAndTheRecordsComeAgainCountedOnce() {
        InhouseBackend backend = backend();
        produce(backend, "a", "b");
        GroupConsumer member = member(backend, "g");
        files.failAlways(Op.WRITE, under(dir.resolve(LogGroupStateStore.TOPIC)));
        assertThrows(QueueException.class, () -> {
            for (int i = 0; i < 20; i++) {
                member.poll(Duration.ofMillis(500));
            }
        });
        files.heal();
        List<ConsumerRecord> again = pollFor(member, 2);
        assertEquals(List.of(1, 1), again.stream().map(ConsumerRecord::deliveryCount).toList(),
                "a hand-out that never reached the application does not count");
    }

    @Test
    void aTransactionWhoseDecisionCannotBeWrittenLeavesNoOutputAndItsInputsAreDeliveredAgain() {
        InhouseBackend backend = backend();
        produce(backend, "a");
        backend.admin().createTopicIfAbsent(new NewTopic("out", 1));
        GroupConsumer member = member(backend, "transform");
        TransactionalProducer tx = backend.transactionalProducer("t-1");
        open.add(tx);
        ConsumerRecord input = pollFor(member, 1).get(0);

        files.fail(Op.WRITE, under(dir.resolve(TransactionLog.TOPIC)), 1);
        tx.beginTransaction();
        tx.send(ProducerRecord.of("out", "a", "out:a"));
        tx.ackInTransaction(member, input);
        assertThrows(QueueException.class, tx::commitTransaction);
        assertEquals(0, backend.log().topic("out").partition(0).endOffset(), "no output of the failed commit");

        // Not acked: after the member gives the partition up, the input comes again.
        member.close();
        open.remove(member);
        GroupConsumer replacement = member(backend, "transform");
        ConsumerRecord redelivered = pollFor(replacement, 1).get(0);
        assertEquals(0, redelivered.offset());
        tx.beginTransaction();
        tx.send(ProducerRecord.of("out", "a", "out:a"));
        tx.ackInTransaction(replacement, redelivered);
        tx.commitTransaction();
        assertEquals(1, backend.log().topic("out").partition(0).endOffset(), "the output, once");
    }

    @Test
    void aDeadLetterThatCannotBeWrittenLeavesTheRecordUndoneUntilItCanBe() {
        InhouseBackend backend = backend();
        produce(backend, "poison");
        GroupConsumer member = member(backend, "g");
        ConsumerRecord record = pollFor(member, 1).get(0);

        files.failAlways(Op.WRITE, under(dir.resolve(DeadLetters.topicFor(TOPIC))));
        assertThrows(QueueException.class, () -> member.acknowledge(record, AckType.REJECT, "cannot be processed"));
        member.commitSync();
        assertEquals(0, committed(backend, "g"), "a record whose letter was not written is not done");

        files.heal();
        member.acknowledge(record, AckType.REJECT, "cannot be processed");
        member.commitSync();
        assertEquals(1, committed(backend, "g"));
        assertEquals(List.of("poison"), backend.admin().deadLetters(DeadLetters.topicFor(TOPIC)).stream()
                .map(InhouseStorageFaultTest::value).toList());
    }

    @Test
    void aForceOfThePositionsThatFailsTakesTheBackendDownNamingThePartition() throws InterruptedException {
        InhouseBackend backend = backend();
        GroupConsumer member = member(backend, "g");
        files.failAlways(Op.FORCE, under(dir.resolve(LogGroupStateStore.TOPIC)).and(named(".log")));
        produce(backend, "a");
        ConsumerRecord record = pollFor(member, 1).get(0);
        // The poll's delivery counts were written; their periodic force (internal.fsync=interval) fails.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (backend.health().up() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(backend.health().up(), "the failed force took a partition offline");
        assertTrue(backend.health().detail().contains(LogGroupStateStore.TOPIC + "-0"), backend.health().detail());
        assertTrue(backend.health().detail().contains("offline"), backend.health().detail());
        member.ack(record);
        assertThrows(QueueException.class, member::commitSync, "no position is written to an offline partition");
    }

    @Test
    void aLockFileThatCannotBeOpenedFailsTheOpenNamingItAndLeavesTheDirectoryFreeForTheNextTry() {
        files.fail(Op.OPEN, named(".lock"), 1);
        StorageException failed = assertThrows(StorageException.class, this::backend);
        assertTrue(failed.getMessage().contains(".lock"), failed.getMessage());
        InhouseBackend backend = backend();
        assertTrue(backend.health().up(), backend.health().detail());
        assertInstanceOf(DataDirectoryLockedException.class, assertThrows(QueueException.class, this::backend),
                "the lock is held once the open succeeded");
    }
}
