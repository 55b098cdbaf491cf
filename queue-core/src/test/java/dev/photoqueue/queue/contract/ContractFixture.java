package dev.photoqueue.queue.contract;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.contract.TestMember.Acks;
import dev.photoqueue.queue.contract.TestMember.OnRevoke;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every contract suite stands on: a backend opened on a storage directory and reopened on it
 * after a restart, names no other test uses, a producer, group members the fixture closes, the
 * group set-ups tests start from ({@link #given}), and waits that poll with a deadline of
 * {@link #WAIT} instead of sleeping.
 *
 * <p>The promises of the queue API are checked through the API alone, so every backend runs the
 * same suites: one abstract suite a subject ({@code MembershipContractTest}, {@code
 * SharedModeContractTest}, ...), and for each an {@code Inhouse...} and a {@code Kafka...} class
 * that say how to open the backend. Rules that keep the suites portable (the Kafka adapter runs
 * them against a real broker): every test uses its own topics and groups; nothing waits by
 * sleeping, waits are poll loops with a deadline of {@link #WAIT}; the only short timeout is the
 * session timeout of a member a test lets go silent ({@link #SHORT_SESSION_MS}); every other
 * member keeps the default session, so a slow machine does not expire it by accident. Positions
 * are read through {@link Admin#describeGroup} after a {@code commitSync}, since a backend may
 * persist them lazily.
 */
public abstract class ContractFixture {

    /** Generous: the broker, the backend and the test share a machine that may be loaded. */
    protected static final Duration WAIT = Duration.ofSeconds(60);
    /** One poll of one member inside a loop that drives several. */
    protected static final Duration POLL = Duration.ofMillis(20);
    /**
     * The session timeout of a member a test lets go silent, to be removed. Such a member is live
     * first (it polls, receives, acks), and a loaded machine may stall the test thread between two
     * of its polls: the session outlasts such a stall, so the member is removed only once the test
     * means it to be silent.
     */
    protected static final long SHORT_SESSION_MS = 2_000;

    private static final String RUN = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

    @TempDir
    Path storage;

    private QueueBackend backend;
    private Producer producer;
    private final List<TestMember> members = new ArrayList<>();
    private final AtomicInteger names = new AtomicInteger();
    /** The group set-ups tests start from: {@code given.aTakesAllThenBJoins(...)}. */
    protected final GroupFixtures given = new GroupFixtures(this);
    private String testName;

    /** Opens the backend on {@code storage}: empty the first time, as left by the last close afterwards. */
    protected abstract QueueBackend open(Path storage);

    @BeforeEach
    void openBackend(TestInfo info) {
        String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
        testName = method.length() > 60 ? method.substring(0, 60) : method;
        backend = open(storage);
    }

    @AfterEach
    void closeBackend() {
        try {
            for (TestMember m : members) {
                m.close();
            }
            if (producer != null) {
                producer.close();
            }
        } finally {
            backend.close();
        }
    }

    // ---------------------------------------------------------------- fixture

    protected QueueBackend backend() {
        return backend;
    }

    protected Admin admin() {
        return backend.admin();
    }

    /**
     * Closes the backend, and with it whatever it handed out, then opens it again on the same
     * storage. Members from before are gone: as after a crash, the group has no members, only what
     * it had persisted.
     */
    protected QueueBackend restart() {
        members.clear();
        if (producer != null) {
            producer.close();
            producer = null;
        }
        backend.close();
        backend = open(storage);
        return backend;
    }

    /** A topic or group name no other test (or earlier run against the same broker) uses. */
    protected String name(String kind) {
        return kind + "-" + testName + "-" + RUN + "-" + names.incrementAndGet();
    }

    protected String createTopic(int partitions) {
        String topic = name("t");
        admin().createTopic(new NewTopic(topic, partitions));
        return topic;
    }

    protected static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }

    private Producer producer() {
        if (producer == null) {
            producer = backend.producer();
        }
        return producer;
    }

    protected RecordMetadata send(ProducerRecord record) {
        try {
            return producer().send(record).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("send of " + record.topic() + " failed: " + e, e);
        }
    }

    /** Appends {@code count} records to one partition; values are "topic/partition/n". */
    protected List<RecordMetadata> produce(TopicPartition tp, int count) {
        List<RecordMetadata> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String value = tp + "/" + i;
            out.add(send(ProducerRecord.of(tp.topic(), "k" + i, value).withPartition(tp.partition())));
        }
        return out;
    }

    protected void produce(List<TopicPartition> tps, int countEach) {
        for (TopicPartition tp : tps) {
            produce(tp, countEach);
        }
    }

    protected static GroupConsumerConfig.Builder config(String group) {
        return GroupConsumerConfig.builder(group);
    }

    /** A member that acks by itself and gives up in-flight records when a partition is revoked. */
    protected TestMember member(GroupConsumerConfig.Builder config, Acks acks) {
        return member(config, acks, OnRevoke.GIVE_UP);
    }

    protected TestMember member(GroupConsumerConfig.Builder config, Acks acks, OnRevoke onRevoke) {
        TestMember m = new TestMember(backend.groupConsumer(config.build()), acks, onRevoke);
        members.add(m);
        return m;
    }

    /** Polls the members in turn, briefly each, until {@code done} holds; fails after {@link #WAIT}. */
    protected static void pollUntil(String what, BooleanSupplier done, TestMember... polled) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + WAIT.toSeconds() + " s for: " + what + "; members: " + List.of(polled));
            }
            for (TestMember m : polled) {
                m.poll(POLL);
            }
        }
    }

    /** Polls the members until one of them received the record at {@code tp}@{@code offset}. */
    protected static void pollUntilReceived(TopicPartition tp, long offset, TestMember... polled) {
        pollUntil("some member received " + tp + "@" + offset,
                () -> List.of(polled).stream().anyMatch(m -> m.offsets(tp).contains(offset)), polled);
    }

    protected GroupDescription describe(String group) {
        return admin().describeGroup(group);
    }

    /** The group's first offset not yet done on {@code tp}: its committed position, or the start when it has none. */
    protected long firstNotDone(String group, TopicPartition tp) {
        for (PartitionLag lag : describe(group).partitions()) {
            if (lag.topicPartition().equals(tp)) {
                if (lag.committed() >= 0) {
                    return lag.committed();
                }
                try (Consumer c = backend.consumer(ConsumerConfig.DEFAULTS)) {
                    return c.beginningOffsets(List.of(tp)).get(tp);
                }
            }
        }
        fail("group " + group + " has no position on " + tp + ": " + describe(group));
        return -1;
    }

    /**
     * Waits until the group's first record not done on {@code tp} is {@code expected}, up to
     * {@link #WAIT}, and asserts it. For shared groups: Kafka's share coordinator reports a share
     * partition's start offset a moment after the broker took the acks that moved it, and on a busy
     * machine that moment can be long.
     */
    protected void awaitFirstNotDone(String group, TopicPartition tp, long expected) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long seen = firstNotDone(group, tp);
        while (seen != expected && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // between polls of the group, not a wait for it
            seen = firstNotDone(group, tp);
        }
        assertEquals(expected, seen, "first record not done of " + group + " on " + tp);
    }

    protected PartitionLag lag(String group, TopicPartition tp) {
        return describe(group).partitions().stream().filter(l -> l.topicPartition().equals(tp)).findFirst()
                .orElseThrow(() -> new AssertionError("group " + group + " has no entry for " + tp));
    }

    /** A member of {@code config} subscribed to {@code topic}; the test closes it, or the backend's close does. */
    protected GroupConsumer groupConsumer(GroupConsumerConfig.Builder config, String topic) {
        GroupConsumer consumer = backend().groupConsumer(config.build());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    protected GroupConsumer sharedConsumer(GroupConsumerConfig.Builder config, String topic) {
        return groupConsumer(config.mode(ConsumptionMode.SHARED), topic);
    }

    /** Member id to assigned partitions, as the admin sees the group. */
    protected Map<String, Set<TopicPartition>> membersOf(String group) {
        Map<String, Set<TopicPartition>> out = new HashMap<>();
        for (MemberDescription m : describe(group).members()) {
            out.put(m.memberId(), new TreeSet<>(m.assignment()));
        }
        return out;
    }

    // ---------------------------------------------------------------- members and records

    /** The partitions the members own together. */
    protected static Set<TopicPartition> union(TestMember... of) {
        Set<TopicPartition> all = new TreeSet<>();
        for (TestMember m : of) {
            all.addAll(m.assignment());
        }
        return all;
    }

    protected static boolean owns(TestMember m, int count) {
        return m.assignment().size() == count;
    }

    /** The members own {@code all} between them, each partition once. */
    protected static boolean covers(List<TopicPartition> all, TestMember... of) {
        return union(of).equals(new TreeSet<>(all)) && TestMember.disjoint(List.of(of));
    }

    protected static void assertListenersConsistent(TestMember... checked) {
        for (TestMember m : checked) {
            assertEquals(List.of(), m.listenerErrors(), "rebalance callbacks of " + m.memberId());
        }
    }

    protected static void assertDeliveryCounts(int expected, List<ConsumerRecord> records) {
        for (ConsumerRecord r : records) {
            assertEquals(expected, r.deliveryCount(), "delivery count of " + r);
        }
    }

    /** The record at {@code tp}@{@code offset} among {@code records}; fails when there is none. */
    protected static ConsumerRecord at(List<ConsumerRecord> records, TopicPartition tp, long offset) {
        return records.stream().filter(r -> r.topicPartition().equals(tp) && r.offset() == offset).findFirst()
                .orElseThrow(() -> new AssertionError("no " + tp + "@" + offset + " in " + records));
    }

    protected static String headerValue(ConsumerRecord r, String key) {
        Header h = r.header(key);
        return h == null ? null : h.valueAsString();
    }

    /**
     * The one dead letter of {@code topic}, after checking its delivery count, error and cause;
     * fails unless the topic has exactly one.
     */
    protected ConsumerRecord onlyDeadLetter(String topic, int deliveryCount, String error, String cause) {
        List<ConsumerRecord> letters = admin().deadLetters(DeadLetters.topicFor(topic));
        assertEquals(1, letters.size(), letters.toString());
        ConsumerRecord letter = letters.get(0);
        assertEquals(String.valueOf(deliveryCount), headerValue(letter, DeadLetters.DELIVERY_COUNT));
        assertEquals(error, headerValue(letter, DeadLetters.ERROR));
        assertEquals(cause, headerValue(letter, DeadLetters.CAUSE));
        return letter;
    }

    /**
     * Polls {@code c} (one record a poll) {@code deliveries} times, asserting that each brings the
     * record at offset 0 with its next delivery count, and releases it each time with the error
     * {@code "failure <delivery count>"}.
     */
    protected static void releaseTheFirstRecordAtEachDelivery(GroupConsumer c, int deliveries) {
        for (int delivery = 1; delivery <= deliveries; delivery++) {
            ConsumerRecord r = pollRecords(c, 1).get(0);
            assertEquals(0, r.offset());
            assertEquals(delivery, r.deliveryCount());
            c.acknowledge(r, AckType.RELEASE, "failure " + delivery);
        }
    }

    protected static Set<Long> offsetsOf(List<ConsumerRecord> records) {
        return records.stream().map(ConsumerRecord::offset).collect(Collectors.toCollection(TreeSet::new));
    }

    protected static List<Long> range(long fromInclusive, long toExclusive) {
        return LongStream.range(fromInclusive, toExclusive).boxed().toList();
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static List<ConsumerRecord> read(Consumer consumer, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                fail("read " + out.size() + " of " + count + " records in " + WAIT.toSeconds() + " s");
            }
            out.addAll(consumer.poll(Duration.ofMillis(100)));
        }
        assertEquals(count, out.size(), "read more records than there are");
        return out;
    }

    protected static List<String> readValues(Consumer consumer, int count) {
        return read(consumer, count).stream().map(ConsumerRecord::valueAsString).toList();
    }

    /** Polls until {@code count} records arrived (or more, from the last poll); fails after {@link #WAIT}. */
    protected static List<ConsumerRecord> pollRecords(GroupConsumer consumer, int count) {
        List<ConsumerRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < count) {
            if (System.nanoTime() - deadline > 0) {
                fail("waited " + WAIT.toSeconds() + " s for " + count + " records, got " + out);
            }
            out.addAll(consumer.poll(POLL));
        }
        return out;
    }
}
