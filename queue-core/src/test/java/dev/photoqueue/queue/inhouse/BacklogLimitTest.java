package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.BacklogFullException;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.log.LogTestSupport;
import dev.photoqueue.queue.log.PartitionLog;
import dev.photoqueue.queue.testing.AllAtOnce;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.photoqueue.queue.inhouse.InhouseTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Back pressure on the in-house backend: a partition whose slowest group has {@code max.backlog.*}
 * unconsumed refuses {@code trySend} at once and holds {@code send} until the group catches up or
 * {@code producer.max.block.ms} passes; topics without a limit, or without a group, never wait.
 * Size retention is the alternative for disposable data: the disk stays bounded with no consumer.
 */
class BacklogLimitTest {

    private static final String TOPIC = "jobs";

    @TempDir
    Path dir;

    private static void createTopic(QueueBackend backend, String... configs) {
        backend.admin().createTopic(new NewTopic(TOPIC, 1).withConfigs(LogTestSupport.settings(configs)));
    }

    /** A member of {@code group} that owns the topic's partition and has a committed position on it. */
    private static GroupConsumer joinedMember(QueueBackend backend, String group) {
        return joinedMember(backend, GroupConsumerConfig.builder(group).build());
    }

    /** A member of the group of {@code config} once the group has a committed position on the partition. */
    private static GroupConsumer joinedMember(QueueBackend backend, GroupConsumerConfig config) {
        String group = config.groupId();
        GroupConsumer member = backend.groupConsumer(config);
        member.subscribe(List.of(TOPIC));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            member.poll(Duration.ofMillis(10)).forEach(member::ack);
            boolean positioned = backend.admin().describeGroup(group).partitions().stream()
                    .anyMatch(p -> p.committed() >= 0);
            if (positioned) {
                return member;
            }
        }
        throw new AssertionError("member of " + group + " got no position on " + TOPIC + " within 60 s");
    }

    /** Polls and acks until {@code count} records were acked. */
    private static void consume(GroupConsumer member, int count) {
        int acked = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acked < count && System.nanoTime() < deadline) {
            for (ConsumerRecord r : member.poll(Duration.ofMillis(20))) {
                if (acked < count) {
                    member.ack(r);
                    acked++;
                }
            }
        }
        assertEquals(count, acked, "records acked");
    }

    private static ProducerRecord record(int i) {
        return ProducerRecord.of(TOPIC, null, "job-" + i);
    }

    @Test
    void trySendFailsFastAtTheRecordLimitAndSucceedsAgainAfterTheGroupAcks() {
        try (QueueBackend backend = open(dir)) {
            createTopic(backend, TopicConfigs.MAX_BACKLOG_RECORDS, "5");
            try (GroupConsumer member = joinedMember(backend, "slow"); Producer producer = backend.producer()) {
                for (int i = 0; i < 5; i++) {
                    await(producer.trySend(record(i)));
                }
                Throwable refused = failureOf(producer.trySend(record(5)));
                BacklogFullException full = assertInstanceOf(BacklogFullException.class, refused);
                assertEquals(TOPIC, full.topic());
                assertEquals(5, full.backlog());
                assertEquals(5, full.limit());
                assertEquals(TopicConfigs.MAX_BACKLOG_RECORDS, full.setting());
                assertTrue(full.getMessage().contains("\"jobs\"") && full.getMessage().contains("5"),
                        full.getMessage());

                consume(member, 2);
                assertEquals(5, await(producer.trySend(record(5))).offset());
                assertEquals(6, await(producer.trySend(record(6))).offset());
                assertInstanceOf(BacklogFullException.class, failureOf(producer.trySend(record(7))));
            }
        }
    }

    /**
     * A SHARED group's backlog counts too, and shrinks as its members settle records: its
     * position is its shared state's, not the one it was loaded with.
     */
    @Test
    void aSharedGroupsBacklogHoldsBackSendsUntilItsMembersAck() {
        try (QueueBackend backend = open(dir)) {
            createTopic(backend, TopicConfigs.MAX_BACKLOG_RECORDS, "5");
            GroupConsumerConfig shared = GroupConsumerConfig.builder("shared").mode(ConsumptionMode.SHARED).build();
            try (GroupConsumer member = joinedMember(backend, shared); Producer producer = backend.producer()) {
                for (int i = 0; i < 5; i++) {
                    await(producer.trySend(record(i)));
                }
                BacklogFullException full = assertInstanceOf(BacklogFullException.class,
                        failureOf(producer.trySend(record(5))));
                assertEquals(5, full.backlog());

                consume(member, 2);
                assertEquals(5, await(producer.trySend(record(5))).offset());
                assertEquals(6, await(producer.trySend(record(6))).offset());
                assertInstanceOf(BacklogFullException.class, failureOf(producer.trySend(record(7))));
            }
        }
    }

    /**
     * Sends from many threads at once against a limit of 5: however they interleave, exactly 5
     * records are appended and every other send fails with {@link BacklogFullException}. A check
     * that reads the end offset and then appends would let every sender that read it before the
     * first write through.
     */
    @Test
    void concurrentSendsNeverAppendPastTheRecordLimit() throws Exception {
        int limit = 5;
        int senders = 16;
        for (int round = 0; round < 20; round++) {
            Path roundDir = dir.resolve("round-" + round);
            try (QueueBackend backend = open(roundDir, "producer.max.block.ms", "0")) {
                createTopic(backend, TopicConfigs.MAX_BACKLOG_RECORDS, String.valueOf(limit));
                PartitionLog log = ((InhouseBackend) backend).log().topic(TOPIC).partition(0);
                try (GroupConsumer ignored = joinedMember(backend, "stalled"); Producer producer = backend.producer()) {
                    List<CompletableFuture<RecordMetadata>> sends = sendAllAtOnce(producer, senders, round % 2 == 0);
                    int appended = 0;
                    for (CompletableFuture<RecordMetadata> send : sends) {
                        if (send.isCompletedExceptionally()) {
                            BacklogFullException full = assertInstanceOf(BacklogFullException.class, failureOf(send));
                            assertEquals(limit, full.limit());
                        } else {
                            await(send);
                            appended++;
                        }
                    }
                    producer.flush();
                    assertEquals(limit, log.endOffset(), "round " + round + ": records in the partition");
                    assertEquals(limit, appended, "round " + round + ": sends that succeeded");
                }
            }
        }
    }

    /** Sends one record from each of {@code senders} threads released together; their futures, each complete. */
    private static List<CompletableFuture<RecordMetadata>> sendAllAtOnce(Producer producer, int senders,
                                                                         boolean trySend) throws Exception {
        List<CompletableFuture<RecordMetadata>> sends = AllAtOnce.run(senders, Duration.ofSeconds(30),
                i -> trySend ? producer.trySend(record(i)) : producer.send(record(i)));
        for (CompletableFuture<RecordMetadata> send : sends) {
            try {
                send.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException expectedForRefusedSends) {
                // refused: checked by the caller
            }
        }
        return sends;
    }

    @Test
    void sendBlocksWhileTheBacklogIsFullAndCompletesWhenTheConsumerCatchesUp() throws Exception {
        try (QueueBackend backend = open(dir)) {
            createTopic(backend, TopicConfigs.MAX_BACKLOG_RECORDS, "3");
            try (GroupConsumer member = joinedMember(backend, "slow"); Producer producer = backend.producer()) {
                for (int i = 0; i < 3; i++) {
                    await(producer.send(record(i)));
                }
                CountDownLatch sending = new CountDownLatch(1);
                CompletableFuture<RecordMetadata> blocked = CompletableFuture.supplyAsync(() -> {
                    sending.countDown();
                    return producer.send(record(3)).join();
                });
                assertTrue(sending.await(60, TimeUnit.SECONDS));
                assertThrows(TimeoutException.class, () -> blocked.get(200, TimeUnit.MILLISECONDS),
                        "send must wait while the backlog is full");

                consume(member, 3);
                assertEquals(3, blocked.get(60, TimeUnit.SECONDS).offset());
            }
        }
    }

    @Test
    void sendFailsAfterMaxBlockMsWhenNobodyConsumes() {
        try (QueueBackend backend = open(dir, "producer.max.block.ms", "300")) {
            createTopic(backend, TopicConfigs.MAX_BACKLOG_RECORDS, "2");
            try (GroupConsumer ignored = joinedMember(backend, "stalled"); Producer producer = backend.producer()) {
                await(producer.send(record(0)));
                await(producer.send(record(1)));
                long start = System.nanoTime();
                CompletableFuture<RecordMetadata> send = producer.send(record(2));
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                BacklogFullException full = assertInstanceOf(BacklogFullException.class, failureOf(send));
                assertEquals(2, full.backlog());
                assertTrue(waitedMs >= 300, "send returned after " + waitedMs + " ms, before producer.max.block.ms");
                assertTrue(waitedMs < 60_000, "send waited " + waitedMs + " ms");
            }
        }
    }

    @Test
    void badProducerMaxBlockMsIsRefusedByName() {
        for (String bad : new String[] {"-1", "soon"}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> open(dir, "producer.max.block.ms", bad).close());
            assertEquals("producer.max.block.ms", e.key());
        }
    }

    @Test
    void withoutALimitOrWithoutAGroupSendNeverWaits() {
        try (QueueBackend backend = open(dir, "producer.max.block.ms", "0")) {
            createTopic(backend);
            backend.admin().createTopic(new NewTopic("limited-but-unread", 1)
                    .withConfigs(Map.of(TopicConfigs.MAX_BACKLOG_RECORDS, "1")));
            try (GroupConsumer ignored = joinedMember(backend, "stalled"); Producer producer = backend.producer()) {
                for (int i = 0; i < 500; i++) {
                    await(producer.send(record(i)));
                    await(producer.trySend(ProducerRecord.of("limited-but-unread", null, "r" + i)));
                }
            }
        }
    }

    @Test
    void byteLimitRefusesOnceTheUnconsumedBytesReachIt() {
        try (QueueBackend backend = open(dir)) {
            createTopic(backend, TopicConfigs.MAX_BACKLOG_BYTES, "4096");
            try (GroupConsumer member = joinedMember(backend, "slow"); Producer producer = backend.producer()) {
                String value = "x".repeat(500);
                int sent = 0;
                BacklogFullException full = null;
                while (full == null && sent < 100) {
                    CompletableFuture<RecordMetadata> send = producer.trySend(ProducerRecord.of(TOPIC, null, value));
                    if (send.isCompletedExceptionally()) {
                        full = assertInstanceOf(BacklogFullException.class, failureOf(send));
                    } else {
                        await(send);
                        sent++;
                    }
                }
                assertNotNull(full, "never refused after " + sent + " records of 500 bytes");
                assertEquals(TopicConfigs.MAX_BACKLOG_BYTES, full.setting());
                assertTrue(full.backlog() >= 4096, "refused at " + full.backlog() + " bytes");
                assertTrue(sent >= 4 && sent <= 9, "refused after " + sent + " records of about 550 bytes");

                consume(member, sent);
                await(producer.trySend(ProducerRecord.of(TOPIC, null, value)));
            }
        }
    }

    @Test
    void sizeRetentionKeepsTheDiskBoundedWhileNobodyConsumes() throws Exception {
        try (QueueBackend backend = open(dir)) {
            // Batches of at most 1 KiB keep every segment within segment.bytes, so the bound below is exact.
            createTopic(backend, TopicConfigs.SEGMENT_BYTES, "4096", TopicConfigs.RETENTION_BYTES, "16384",
                    "batch.bytes", "1024");
            PartitionLog log = ((InhouseBackend) backend).log().topic(TOPIC).partition(0);
            try (GroupConsumer ignored = joinedMember(backend, "stalled"); Producer producer = backend.producer()) {
                String value = "y".repeat(200);
                for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < 50; i++) {
                        producer.send(ProducerRecord.of(TOPIC, null, value));
                    }
                    producer.flush();
                    log.applyRetention();
                    long onDisk = 0;
                    for (Path segment : LogTestSupport.segmentFiles(LogTestSupport.partitionDir(dir, TOPIC, 0))) {
                        onDisk += Files.size(segment);
                    }
                    assertTrue(onDisk <= 16384 + 4096, "round " + round + ": " + onDisk + " bytes of segments");
                }
                assertTrue(log.startOffset() > 0, "the oldest records were shed");
                assertEquals(1000, log.endOffset());
            }
        }
    }
}
