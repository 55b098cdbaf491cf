package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.GroupDescription.MemberDescription;
import dev.photoqueue.queue.api.GroupDescription.PartitionLag;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

/** {@code pq groups}, {@code describe-group} and {@code reset-offsets}, checked against known offsets. */
class GroupAdminTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final long MINUTE = 60_000;

    @TempDir
    Path dir;

    private String dataDir() {
        return dir.resolve("queue").toString();
    }

    /** Sends each value to its partition, acknowledged before returning. */
    private void send(String topic, int partitions, int partition, long timestamp, String... values) throws Exception {
        try (QueueBackend backend = PqRun.openBackend(Path.of(dataDir()))) {
            backend.admin().createTopicIfAbsent(new NewTopic(topic, partitions));
            try (Producer producer = backend.producer()) {
                for (String value : values) {
                    producer.send(ProducerRecord.of(topic, null, value).withPartition(partition)
                            .withTimestamp(timestamp)).get();
                }
            }
        }
    }

    private PqRun.Result ok(String... args) {
        List<String> withDir = new ArrayList<>(List.of(args));
        withDir.addAll(List.of("--data-dir", dataDir()));
        PqRun.Result r = pq(withDir.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private List<String> consumeGroup(String topic, String group) {
        return ok("consume", "--topic", topic, "--group", group, "--timeout-ms", "200").outLines();
    }

    private static List<List<String>> cells(PqRun.Result r) {
        return r.outLines().stream().map(line -> List.of(line.trim().split("\\s+"))).toList();
    }

    /** Two topics: alpha (1 partition, 5 records), photos (partition 0: 6 records, partition 1: 4). */
    private void twoTopics() throws Exception {
        send("alpha", 1, 0, T0.toEpochMilli(), "a0", "a1", "a2", "a3", "a4");
        send("photos", 2, 0, T0.toEpochMilli(), "p0", "p1", "p2", "p3", "p4", "p5");
        send("photos", 2, 1, T0.toEpochMilli(), "q0", "q1", "q2", "q3");
    }

    @Test
    void groupsListsEachGroupWithMembersAndTotalLag() throws Exception {
        twoTopics();
        assertEquals(2, ok("consume", "--topic", "alpha", "--group", "reader", "--from-beginning", "--max", "2")
                .outLines().size());
        assertEquals(10, ok("consume", "--topic", "photos", "--group", "all", "--from-beginning", "--timeout-ms", "200")
                .outLines().size());
        ok("reset-offsets", "--group", "halfway", "--topic", "photos", "--to-offset", "3");

        PqRun.Result groups = ok("groups");
        assertEquals("", groups.err());
        assertEquals(List.of(
                List.of("GROUP", "MEMBERS", "LAG"),
                List.of("all", "0", "0"),
                List.of("halfway", "0", "4"),
                List.of("reader", "0", "3")), cells(groups));
        assertEquals(groups.outLines().get(0).indexOf("LAG"), groups.outLines().get(2).indexOf(" 4") + 1,
                "columns line up");
    }

    @Test
    void describeGroupShowsCommittedEndAndLagPerPartition() throws Exception {
        twoTopics();
        ok("consume", "--topic", "alpha", "--group", "reader", "--from-beginning", "--max", "2");
        PqRun.Result alpha = ok("describe-group", "reader");
        assertEquals(List.of("group reader has no members"), alpha.errLines());
        assertEquals(List.of(
                List.of("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "OWNER"),
                List.of("alpha", "0", "2", "5", "3", "-")), cells(alpha));

        ok("reset-offsets", "--group", "halfway", "--topic", "photos", "--to-offset", "3");
        send("photos", 2, 1, T0.toEpochMilli(), "q4");
        assertEquals(List.of(
                List.of("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "OWNER"),
                List.of("photos", "0", "3", "6", "3", "-"),
                List.of("photos", "1", "3", "5", "2", "-")), cells(ok("describe-group", "halfway")));

        // The group name may also come after the options.
        PqRun.Result after = pq("describe-group", "--data-dir", dataDir(), "halfway");
        assertEquals(0, after.exit(), after.toString());
    }

    @Test
    void describeGroupOfAnUnknownGroupExitsOne() throws Exception {
        twoTopics();
        PqRun.Result r = pq("describe-group", "nope", "--data-dir", dataDir());
        assertEquals(1, r.exit(), r.toString());
        assertEquals("", r.out());
        assertEquals(List.of("pq: unknown consumer group \"nope\" in data directory " + dataDir()), r.errLines());

        PqRun.Result groups = ok("groups");
        assertEquals("", groups.out());
        assertEquals(List.of("no consumer groups in " + dataDir()), groups.errLines());
    }

    @Test
    void describeGroupPrintsMembersAndOwnersWhenTheGroupHasMembers() {
        // pq's own process never has members in a group it describes, so the table is checked directly.
        TopicPartition p0 = new TopicPartition("photos", 0);
        TopicPartition p1 = new TopicPartition("photos", 1);
        GroupDescription group = new GroupDescription("g", 3,
                List.of(new MemberDescription("worker-1", "worker", List.of(p0, p1)),
                        new MemberDescription("worker-22", "worker", List.of())),
                List.of(new PartitionLag(p0, 10, 12, 2, "worker-1"), new PartitionLag(p1, -1, 7, 7, null)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DescribeGroupCommand.print(group, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("""
                MEMBER     CLIENT  PARTITIONS
                worker-1   worker  photos-0,photos-1
                worker-22  worker  -

                TOPIC   PARTITION  COMMITTED  END  LAG  OWNER
                photos  0          10         12   2    worker-1
                photos  1          -          7    7    -
                """, out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void resetOffsetsToEarliestLatestAndAnOffsetThenConsumeReadsFromThere() throws Exception {
        send("t", 1, 0, T0.toEpochMilli(), "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
        ok("consume", "--topic", "t", "--group", "g", "--from-beginning", "--timeout-ms", "200");

        PqRun.Result earliest = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-earliest");
        assertEquals(List.of(List.of("TOPIC", "PARTITION", "NEW-OFFSET"), List.of("t", "0", "0")), cells(earliest));
        assertEquals(List.of("reset group g on topic t (--to-earliest)"), earliest.errLines());
        assertEquals(List.of("r0", "r1", "r2"),
                ok("consume", "--topic", "t", "--group", "g", "--max", "3").outLines());

        PqRun.Result offset = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-offset", "7");
        assertEquals(List.of("t", "0", "7"), cells(offset).get(1));
        assertEquals(List.of("reset group g on topic t (--to-offset 7)"), offset.errLines());
        assertEquals(List.of("r7", "r8", "r9"), consumeGroup("t", "g"));

        ok("reset-offsets", "--group", "g", "--topic", "t", "--to-offset", "2");
        PqRun.Result latest = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-latest");
        assertEquals(List.of("t", "0", "10"), cells(latest).get(1));
        assertEquals(List.of(), consumeGroup("t", "g"));
        send("t", 1, 0, T0.toEpochMilli(), "r10");
        assertEquals(List.of("r10"), consumeGroup("t", "g"));

        PqRun.Result pastTheEnd = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-offset", "999");
        assertEquals(List.of("t", "0", "11"), cells(pastTheEnd).get(1), "kept within start and end");
        assertEquals(List.of("0"), cells(ok("groups")).get(1).subList(2, 3));
    }

    @Test
    void resetOffsetsToAnOffsetOutsideAPartitionWarnsPerPartitionWhatWasAskedAndWhereItWasSet() throws Exception {
        send("t", 2, 0, T0.toEpochMilli(), "p0", "p1", "p2");
        send("t", 2, 1, T0.toEpochMilli(), "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7");
        long oldStart = recordsBeforeTheStartDeleted("old");

        PqRun.Result pastTheEnd = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-offset", "5");
        assertEquals(List.of(List.of("TOPIC", "PARTITION", "NEW-OFFSET"), List.of("t", "0", "3"),
                List.of("t", "1", "5")), cells(pastTheEnd));
        assertEquals(List.of(
                "pq: warning: partition 0 of t: offset 5 is past its end; set to its end, 3",
                "created group g",
                "reset group g on topic t (--to-offset 5)"), pastTheEnd.errLines(),
                "partition 1 has offset 5: no warning");
        assertEquals(List.of("q5", "q6", "q7"), consumeGroup("t", "g"));

        PqRun.Result beforeTheStart = ok("reset-offsets", "--group", "g", "--topic", "old", "--to-offset", "0");
        assertEquals(List.of("old", "0", Long.toString(oldStart)), cells(beforeTheStart).get(1));
        assertEquals(List.of(
                "pq: warning: partition 0 of old: offset 0 is before its start (the records before it were deleted); "
                        + "set to its start, " + oldStart,
                "reset group g on topic old (--to-offset 0)"), beforeTheStart.errLines());

        PqRun.Result within = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-offset", "3");
        assertEquals(List.of("reset group g on topic t (--to-offset 3)"), within.errLines(),
                "3 is the end of partition 0");
    }

    /**
     * Topic {@code topic}, one partition whose first records were deleted by size retention;
     * returns its start offset, waited for until retention has deleted every segment it will (all
     * but the active one, which it never deletes), so that the start moves no further.
     */
    private long recordsBeforeTheStartDeleted(String topic) throws Exception {
        try (QueueBackend backend = QueueBackends.open(Map.of("data.dir", dataDir(), "auto.create.topics", "false",
                "retention.check.interval.ms", "10"))) {
            backend.admin().createTopicIfAbsent(new NewTopic(topic, 1).withConfigs(Map.of(
                    TopicConfigs.SEGMENT_BYTES, "1024", TopicConfigs.RETENTION_BYTES, "0")));
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < 10; i++) {
                    producer.send(ProducerRecord.of(topic, null, "r" + i + "-" + "x".repeat(300))).get();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // final once the partition is its active segment alone: the stored bytes the log counts
            // (over the segments it still reads) are then exactly that segment file's
            while (true) {
                PartitionInfo partition = backend.admin().describeTopic(topic).partitions().get(0);
                long start = partition.startOffset();
                Path first = Path.of(dataDir(), topic, "0", String.format("%020d.log", start));
                if (start > 0 && partition.sizeBytes() == sizeOf(first)) {
                    return start;
                }
                assertTrue(System.nanoTime() < deadline, "retention left more than the active segment of " + topic
                        + " after 30 s");
                Thread.sleep(10);
            }
        }
    }

    /** The size of {@code file}, or -1 once retention has deleted it. */
    private static long sizeOf(Path file) throws java.io.IOException {
        try {
            return java.nio.file.Files.size(file);
        } catch (java.nio.file.NoSuchFileException deleted) {
            return -1;
        }
    }

    @Test
    void resetOffsetsToADatetimePicksTheFirstRecordAtOrAfterItInEachPartition() throws Exception {
        // Partition 0 has a record every minute from T0 on, partition 1 every second minute.
        for (int m = 0; m < 6; m++) {
            send("t", 2, 0, T0.toEpochMilli() + m * MINUTE, "p0-m" + m);
        }
        for (int m = 0; m < 8; m += 2) {
            send("t", 2, 1, T0.toEpochMilli() + m * MINUTE, "p1-m" + m);
        }

        PqRun.Result between = ok("reset-offsets", "--group", "g", "--topic", "t",
                "--to-datetime", "2026-11-28T10:02:30Z");
        assertEquals(List.of("created group g", "reset group g on topic t (--to-datetime 2026-11-28T10:02:30Z)"),
                between.errLines());
        assertEquals(List.of(List.of("TOPIC", "PARTITION", "NEW-OFFSET"), List.of("t", "0", "3"),
                List.of("t", "1", "2")), cells(between));
        assertEquals(Set.of("p0-m3", "p0-m4", "p0-m5", "p1-m4", "p1-m6"), new HashSet<>(consumeGroup("t", "g")));

        // Exactly at a record's time, written with a zone offset: 11:02+01:00 is 10:02Z.
        PqRun.Result exact = ok("reset-offsets", "--group", "g", "--topic", "t",
                "--to-datetime", "2026-11-28T11:02:00+01:00");
        assertEquals(List.of(List.of("t", "0", "2"), List.of("t", "1", "1")), cells(exact).subList(1, 3));
        assertEquals(Set.of("p0-m2", "p0-m3", "p0-m4", "p0-m5", "p1-m2", "p1-m4", "p1-m6"),
                new HashSet<>(consumeGroup("t", "g")));

        PqRun.Result before = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-datetime", "2026-11-28T09:00:00Z");
        assertEquals(List.of(List.of("t", "0", "0"), List.of("t", "1", "0")), cells(before).subList(1, 3));
        PqRun.Result after = ok("reset-offsets", "--group", "g", "--topic", "t", "--to-datetime", "2026-11-28T10:07:00Z");
        assertEquals(List.of(List.of("t", "0", "6"), List.of("t", "1", "4")), cells(after).subList(1, 3),
                "the end where every record is older");
        assertEquals(List.of(), consumeGroup("t", "g"));
    }

    @Test
    void resetOffsetsLeavesOtherGroupsAndOtherTopicsAlone() throws Exception {
        twoTopics();
        ok("consume", "--topic", "alpha", "--group", "g", "--from-beginning", "--timeout-ms", "200");
        ok("consume", "--topic", "photos", "--group", "g", "--from-beginning", "--timeout-ms", "200");
        ok("consume", "--topic", "alpha", "--group", "other", "--from-beginning", "--timeout-ms", "200");

        ok("reset-offsets", "--group", "g", "--topic", "alpha", "--to-earliest");
        assertEquals(List.of("a0", "a1", "a2", "a3", "a4"), consumeGroup("alpha", "g"));
        assertEquals(List.of(), consumeGroup("photos", "g"));
        assertEquals(List.of(), consumeGroup("alpha", "other"));
    }

    @Test
    void resetOffsetsOfAnUnknownTopicExitsOneAndCreatesNoGroup() throws Exception {
        twoTopics();
        PqRun.Result r = pq("reset-offsets", "--data-dir", dataDir(), "--group", "g", "--topic", "nope",
                "--to-earliest");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(List.of("pq: unknown topic \"nope\" in data directory " + dataDir()), r.errLines());
        assertEquals(List.of("no consumer groups in " + dataDir()), ok("groups").errLines());
    }
}
