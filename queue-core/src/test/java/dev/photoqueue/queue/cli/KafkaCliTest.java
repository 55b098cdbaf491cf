package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pq --bootstrap-server}: the same commands on a real Kafka broker inside the test JVM. */
@ExtendWith(EmbeddedKafka.class)
class KafkaCliTest {

    private final String run = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

    @Test
    void produceTopicsConsumeInAGroupAndDescribeItOnKafka() {
        String bootstrap = EmbeddedKafka.bootstrapServers();
        String topic = "cli-" + run;
        String group = "cli-readers-" + run;
        PqRun.Result produced = pqWithInput("user-1\tone\nuser-2\ttwo\nuser-1\tthree\n", "produce",
                "--bootstrap-server", bootstrap, "--topic", topic, "--partitions", "3", "--keyed");
        assertEquals(0, produced.exit(), produced.toString());
        assertEquals(List.of("created topic " + topic + " with 3 partitions", "produced 3 records to " + topic),
                produced.errLines());

        PqRun.Result topics = pq("topics", "--bootstrap-server", bootstrap);
        assertEquals(0, topics.exit(), topics.toString());
        assertEquals(3, topics.outLines().stream().filter(l -> l.startsWith(topic + " ")).count(), topics.out());

        // ends at the third record; the idle timeout only ends a run that lacks one, however long a
        // loaded machine makes the member's join take
        PqRun.Result consumed = pq("consume", "--bootstrap-server", bootstrap, "--topic", topic, "--group", group,
                "--from-beginning", "--max", "3", "--timeout-ms", "60000");
        assertEquals(0, consumed.exit(), consumed.toString());
        List<String> lines = consumed.outLines();
        assertEquals(3, lines.size(), consumed.toString());
        assertTrue(lines.indexOf("one") < lines.indexOf("three"), "user-1's records in order: " + lines);

        PqRun.Result described = pq("describe-group", group, "--bootstrap-server", bootstrap);
        assertEquals(0, described.exit(), described.toString());
        assertTrue(described.out().contains(topic), described.out());
        PqRun.Result groups = pq("groups", "--bootstrap-server", bootstrap);
        assertTrue(groups.out().contains(group), groups.toString());
    }

    @Test
    void sharedModeOnKafkaPrintsAndAcksEveryRecordOnceWithinTheBrokersLockLimit() {
        // The broker keeps Kafka's default group.share.max.record.lock.duration.ms (60 s): the lock
        // pq asks for must fit under it, or the broker refuses the share group's settings.
        String bootstrap = EmbeddedKafka.bootstrapServers();
        String topic = "cli-shared-" + run;
        String group = "cli-sharers-" + run;
        // one partition: the first run starts its share-partition state, so the second run's group
        // has a position there, and --from-beginning or not does not matter to it
        assertEquals(0, pqWithInput("1\n2\n3\n", "produce", "--bootstrap-server", bootstrap, "--topic", topic,
                "--partitions", "1").exit());

        PqRun.Result first = pq("consume", "--bootstrap-server", bootstrap, "--topic", topic, "--group", group,
                "--mode", "shared", "--from-beginning", "--max", "3", "--timeout-ms", "60000");
        assertEquals(0, first.exit(), first.toString());
        assertEquals(Set.of("1", "2", "3"), new HashSet<>(first.outLines()), first.toString());
        assertEquals(3, first.outLines().size(), first.toString());

        // acked, so the next run's first record is the new one, not one of those again
        assertEquals(0, pqWithInput("4\n", "produce", "--bootstrap-server", bootstrap, "--topic", topic).exit());
        PqRun.Result second = pq("consume", "--bootstrap-server", bootstrap, "--topic", topic, "--group", group,
                "--mode", "shared", "--max", "1", "--timeout-ms", "60000");
        assertEquals(0, second.exit(), second.toString());
        assertEquals(List.of("4"), second.outLines(), second.toString());
    }

    @Test
    void neverAckedRecordsBecomeDeadLettersToListShowAndRedriveAndResetOffsetsRewindsOnKafka() {
        String bootstrap = EmbeddedKafka.bootstrapServers();
        String topic = "cli-dlq-" + run;
        String group = "cli-retriers-" + run;
        assertEquals(0, pqWithInput("k1\tpoison\nk2\tnext\n", "produce", "--bootstrap-server", bootstrap, "--topic",
                topic, "--partitions", "1", "--keyed").exit());
        for (int delivery = 1; delivery <= 5; delivery++) {
            PqRun.Result taken = pq("consume", "--bootstrap-server", bootstrap, "--topic", topic, "--group", group,
                    "--from-beginning", "--max", "1", "--no-ack", "--timeout-ms", "60000");
            assertEquals(List.of("poison"), taken.outLines(), "delivery " + delivery + ": " + taken);
        }
        PqRun.Result behind = pq("consume", "--bootstrap-server", bootstrap, "--topic", topic, "--group", group,
                "--max", "1", "--timeout-ms", "60000");
        assertEquals(List.of("next"), behind.outLines(), "a sixth delivery is a dead letter: " + behind);

        PqRun.Result list = pq("dlq", "list", "--bootstrap-server", bootstrap, "--topic", topic);
        assertEquals(0, list.exit(), list.toString());
        assertEquals(2, list.outLines().size(), list.out());
        assertTrue(list.outLines().get(1).matches("0\\s+" + topic + "\\s+0\\s+0\\s+5\\s+\\S+Z\\s+"
                + "no acknowledgement in 5 deliveries: .*\"k1\".*\"poison\"\\s*"), list.outLines().get(1));

        PqRun.Result show = pq("dlq", "show", "--bootstrap-server", bootstrap, "--topic", topic, "--offset", "0");
        assertEquals(0, show.exit(), show.toString());
        assertTrue(show.outLines().contains("  pq.dlq.delivery-count: \"5\""), show.out());
        assertEquals("poison", show.outLines().get(show.outLines().size() - 1), show.out());

        PqRun.Result redrive = pq("dlq", "redrive", "--bootstrap-server", bootstrap, "--topic", topic, "--offset", "0:0");
        assertEquals(0, redrive.exit(), redrive.toString());
        assertEquals(List.of("redrove 1 record from " + topic + ".dlq"), redrive.errLines());
        assertEquals(List.of("poison"), pq("consume", "--bootstrap-server", bootstrap, "--topic", topic, "--group",
                group, "--max", "1", "--timeout-ms", "60000").outLines(), "the redriven copy, at the end");

        PqRun.Result reset = pq("reset-offsets", "--bootstrap-server", bootstrap, "--group", group, "--topic", topic,
                "--to-offset", "1");
        assertEquals(0, reset.exit(), reset.toString());
        assertEquals(List.of("reset group " + group + " on topic " + topic + " (--to-offset 1)"), reset.errLines());
        assertEquals(List.of("next", "poison"), pq("consume", "--bootstrap-server", bootstrap, "--topic", topic,
                "--group", group, "--max", "2", "--timeout-ms", "60000").outLines());
    }

    @Test
    void dumpAndTwoQueuesAtOnceAreRefusedAsUsageErrors() {
        PqRun.Result dump = pq("dump", "--topic", "t", "--bootstrap-server", "localhost:9092");
        assertEquals(2, dump.exit(), dump.toString());
        assertTrue(dump.errLines().get(0).startsWith("pq: dump reads the in-house log's files"), dump.err());

        PqRun.Result both = pq("topics", "--bootstrap-server", "localhost:9092", "--data-dir", "somewhere");
        assertEquals(2, both.exit(), both.toString());
        assertEquals("pq: give --data-dir (the in-house queue) or --bootstrap-server (a Kafka cluster), not both",
                both.errLines().get(0));
    }

    @Test
    void anUnreachableClusterIsNamedWithKafkasReasonInWordsNotItsExceptionType() {
        // Nothing listens on port 1, and binding it needs privileges nothing in the build has.
        PqRun.Result r = pq("topics", "--bootstrap-server", "127.0.0.1:1");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(List.of("pq: cannot connect to the Kafka cluster: no answer from 127.0.0.1:1 within 15000 ms"
                + " (Timed out waiting for a node assignment. Call: listNodes)"), r.errLines());
    }

    @Test
    void resetOffsetsOfAGroupWithALiveMemberOnKafkaSaysWhyInKafkasWordsNamingTheTopicOnce() {
        String bootstrap = EmbeddedKafka.bootstrapServers();
        String topic = "live-" + run;
        String group = "live-" + run;
        assertEquals(0, pqWithInput("a\n", "produce", "--topic", topic, "--bootstrap-server", bootstrap).exit());
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", bootstrap));
             GroupConsumer member = backend.groupConsumer(GroupConsumerConfig.builder(group).build())) {
            member.subscribe(List.of(topic));
            List<ConsumerRecord> polled = List.of();
            for (int i = 0; i < 30 && polled.isEmpty(); i++) {
                polled = member.poll(Duration.ofSeconds(1));
            }
            assertEquals(1, polled.size(), "the member holds the partition");

            PqRun.Result r = pq("reset-offsets", "--group", group, "--topic", topic, "--to-earliest",
                    "--bootstrap-server", bootstrap);
            assertEquals(1, r.exit(), r.toString());
            assertEquals(List.of("pq: Kafka failed to reset the offsets of group " + group + " on " + topic
                    + " (a group with live members cannot be reset): Failed altering group"
                    + " offsets for the following partitions: [" + topic + "-0]"), r.errLines());
        }
    }

    @Test
    void unknownGroupOnKafkaNamesTheCluster() {
        String bootstrap = EmbeddedKafka.bootstrapServers();
        PqRun.Result r = pq("describe-group", "nobody-" + run, "--bootstrap-server", bootstrap);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("pq: unknown consumer group \"nobody-" + run + "\" in Kafka cluster at " + bootstrap,
                r.errLines().get(0));
    }
}
