package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class DumpTest {

    private static final Pattern LINE = Pattern.compile(
            "partition=(\\d+) offset=(\\d+) timestamp=(\\S+) key=(null|\"[^\"]*\") size=(\\d+|null)");

    @TempDir
    Path dir;

    private Path dataDir() {
        return dir.resolve("queue");
    }

    private PqRun.Result dump(String... extra) {
        String[] args = Stream.concat(Stream.of("dump", "--data-dir", dataDir().toString()), Stream.of(extra))
                .toArray(String[]::new);
        return pq(args);
    }

    private void produce(String topic, String input, String... extra) {
        String[] args = Stream.concat(Stream.of("produce", "--data-dir", dataDir().toString(), "--topic", topic),
                Stream.of(extra)).toArray(String[]::new);
        PqRun.Result r = pqWithInput(input, args);
        assertEquals(0, r.exit(), r.toString());
    }

    private Path segment(String topic, int partition) {
        return dataDir().resolve(topic).resolve(Integer.toString(partition)).resolve("00000000000000000000.log");
    }

    @Test
    void dumpListsEveryRecordWithOffsetTimestampKeyAndSizeAndExitsZero() {
        produce("t", "a\tx\nb\tyy\nc\tzzz\nd\t\ne\tfive5\n", "--keyed", "--partitions", "2");
        List<ConsumerRecord> stored = PqRun.readAll(dataDir(), "t");

        PqRun.Result dumped = dump("--topic", "t");
        assertEquals(0, dumped.exit(), dumped.toString());
        assertEquals(stored.size(), dumped.outLines().size(), dumped.toString());
        for (int i = 0; i < stored.size(); i++) {
            ConsumerRecord r = stored.get(i);
            Matcher m = LINE.matcher(dumped.outLines().get(i));
            assertTrue(m.matches(), dumped.outLines().get(i));
            assertEquals(r.partition(), Integer.parseInt(m.group(1)));
            assertEquals(r.offset(), Long.parseLong(m.group(2)));
            assertEquals(r.timestamp(), Instant.parse(m.group(3)).toEpochMilli());
            assertEquals("\"" + r.keyAsString() + "\"", m.group(4));
            assertEquals(Integer.toString(r.value().length), m.group(5));
        }
        assertEquals(1, dumped.errLines().size(), dumped.toString());
        assertTrue(dumped.errLines().get(0).matches(
                "checked 5 records in \\d+ batch(es)?, 2 segments and 2 partitions of t: no corruption found"),
                dumped.toString());

        PqRun.Result onePartition = dump("--topic", "t", "--partition", "1");
        assertEquals(0, onePartition.exit());
        long inPartition1 = stored.stream().filter(r -> r.partition() == 1).count();
        assertEquals(inPartition1, onePartition.outLines().size());
        assertTrue(onePartition.outLines().stream().allMatch(l -> l.startsWith("partition=1 ")));
    }

    @Test
    void dumpOnAFileWithAFlippedByteExitsOneNamingTheFileBytePositionAndOffset() throws IOException {
        produce("t", "a\nb\n");
        long secondBatchAt = Files.size(segment("t", 0));
        produce("t", "c\nd\n");
        flipByte(segment("t", 0), secondBatchAt + 30);

        PqRun.Result dumped = dump("--topic", "t");
        assertEquals(1, dumped.exit(), dumped.toString());
        assertEquals(List.of("partition=0 offset=0", "partition=0 offset=1"),
                dumped.outLines().stream().map(l -> l.substring(0, l.indexOf(" timestamp"))).toList(),
                "the batches before the damage are still listed");
        String error = dumped.errLines().get(0);
        assertTrue(error.startsWith("pq: corrupt record batch in " + segment("t", 0) + " at byte " + secondBatchAt
                + " (offset 2): CRC32C mismatch"), error);
        assertTrue(dumped.errLines().get(1).endsWith("1 corruption found"), dumped.toString());
    }

    @Test
    void dumpOnlyReadsWhileALogManagerHoldsTheDirectoryOpen() throws Exception {
        produce("t", "a\nb\n");
        try (LogManager owner = LogManager.open(dataDir())) {
            PartitionLog partition = owner.topic("t").partition(0);
            partition.append(42, null, "written by the owner".getBytes(StandardCharsets.UTF_8), List.of()).get();

            PqRun.Result dumped = dump("--topic", "t");
            assertEquals(0, dumped.exit(), dumped.toString());
            assertEquals(3, dumped.outLines().size(), dumped.toString());
            assertEquals("partition=0 offset=2 timestamp=1970-01-01T00:00:00.042Z key=null size=20",
                    dumped.outLines().get(2));

            PqRun.Result topics = pq("topics", "--data-dir", dataDir().toString());
            assertEquals(1, topics.exit(), "only dump may run beside the owner: " + topics);

            assertEquals(3, partition.append(43, null, new byte[1], List.of()).get().offset(),
                    "the owner goes on writing after the dump");
        }
    }

    @Test
    void dumpCreatesAndChangesNothingOnDisk() throws IOException {
        produce("t", "a\nb\n", "--partitions", "3");
        Map<String, String> before = snapshot(dataDir());
        assertEquals(0, dump("--topic", "t").exit());
        assertEquals(before, snapshot(dataDir()));

        Path missing = dir.resolve("missing");
        PqRun.Result noDir = pq("dump", "--data-dir", missing.toString(), "--topic", "t");
        assertEquals(1, noDir.exit());
        assertFalse(Files.exists(missing));
        PqRun.Result noTopic = dump("--topic", "nope");
        assertEquals(List.of("pq: unknown topic \"nope\" in data directory " + dataDir()), noTopic.errLines());
        assertEquals(before, snapshot(dataDir()));
    }

    @Test
    void foreignFileAndIncompleteTailAreWarningsNotCorruption() throws IOException {
        produce("t", "a\nb\n");
        Path partitionDir = segment("t", 0).getParent();
        Files.writeString(partitionDir.resolve("notes.txt"), "mine");
        // the first 20 bytes of a batch: what a reader sees while the owner is mid-write
        byte[] firstBatchHead = java.util.Arrays.copyOf(Files.readAllBytes(segment("t", 0)), 20);
        long end = Files.size(segment("t", 0));
        Files.write(segment("t", 0), firstBatchHead, StandardOpenOption.APPEND);

        PqRun.Result dumped = dump("--topic", "t");
        assertEquals(0, dumped.exit(), dumped.toString());
        assertEquals(2, dumped.outLines().size());
        assertEquals(3, dumped.errLines().size(), dumped.toString());
        assertTrue(dumped.errLines().get(0).startsWith("pq: warning: foreign file " + partitionDir.resolve("notes.txt")),
                dumped.toString());
        assertTrue(dumped.errLines().get(1).startsWith("pq: warning: " + segment("t", 0)
                + " ends with an incomplete batch of 20 bytes at byte " + end + " (offset 2)"), dumped.toString());
    }

    @Test
    void unknownPartitionIsAQueueError() {
        produce("t", "a\n", "--partitions", "2");
        PqRun.Result dumped = dump("--topic", "t", "--partition", "2");
        assertEquals(1, dumped.exit());
        assertEquals(List.of("pq: partition 2 is out of range for topic \"t\" with 2 partitions (valid: 0..1)"),
                dumped.errLines());
    }

    @Test
    void dumpOfATopicWhoseDirectoryIsAFileNamesThePathNotAnUnknownTopic() throws IOException {
        produce("t", "a\n", "--partitions", "2");
        Path topicDir = dataDir().resolve("t");
        deleteTree(topicDir);
        Files.writeString(topicDir, "not a directory");

        PqRun.Result dumped = dump("--topic", "t");
        assertEquals(1, dumped.exit(), dumped.toString());
        assertEquals(List.of("pq: cannot read topic directory " + topicDir + ": it is a file, not a directory"),
                dumped.errLines());
    }

    @Test
    void dumpOfAPartitionWhoseDirectoryIsAFileNamesThePathNotAMissingPartition() throws IOException {
        produce("t", "a\n", "--partitions", "2");
        Path partitionDir = segment("t", 1).getParent();
        deleteTree(partitionDir);
        Files.writeString(partitionDir, "not a directory");

        PqRun.Result dumped = dump("--topic", "t");
        assertEquals(1, dumped.exit(), dumped.toString());
        assertEquals("pq: cannot read partition directory " + partitionDir + ": it is a file, not a directory",
                dumped.errLines().get(dumped.errLines().size() - 1), dumped.toString());
    }

    /** File permissions bind every user but root, who reads the directory anyway: skipped when run as root. */
    @Test
    void dumpOfAnUnreadableTopicDirectorySaysPermissionDenied() throws IOException {
        produce("t", "a\n");
        Path topicDir = dataDir().resolve("t");
        Files.setPosixFilePermissions(topicDir, Set.of());
        try {
            assumeFalse(Files.isReadable(topicDir),
                    "this user reads a directory of mode 000 (root)");
            PqRun.Result dumped = dump("--topic", "t");
            assertEquals(1, dumped.exit(), dumped.toString());
            assertEquals(List.of("pq: cannot read topic settings " + topicDir.resolve("topic.properties")
                    + ": permission denied"), dumped.errLines());
        } finally {
            Files.setPosixFilePermissions(topicDir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x01);
        }
    }

    /** Every file and directory under {@code root} with its size and modification time. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir " + Files.getLastModifiedTime(p)
                        : Files.size(p) + " bytes " + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }
}
