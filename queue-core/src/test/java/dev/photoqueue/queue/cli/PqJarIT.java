package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.DataDirectoryLockedException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.testing.SmallFileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the shaded {@code pq.jar} as a user would, in a child JVM. Failsafe runs it after the
 * package phase and passes the jar's path as {@code pq.jar}; elsewhere (an IDE) it is skipped.
 */
class PqJarIT {

    private static Path jar;

    /** For the full-disk test; the child JVMs' index mappings end with them, so it unmounts at once. */
    @RegisterExtension
    static final SmallFileSystem disk = SmallFileSystem.ofBytes(1L << 20);

    @TempDir
    Path dir;

    /** One child run: its exit status and output. */
    private record Exec(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void findJar() {
        String path = System.getProperty("pq.jar");
        assumeTrue(path != null && Files.isRegularFile(Path.of(path)), "pq.jar not built; run mvn verify");
        jar = Path.of(path);
    }

    private Exec pq(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var stdinStream = process.getOutputStream()) {
            stdinStream.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("pq " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Exec(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void producedLinesRoundTripThroughTheJarWithNoLogNoise() throws Exception {
        String dataDir = dir.resolve("queue").toString();
        Exec produced = pq("a\nb\n", "produce", "--data-dir", dataDir, "--topic", "demo");
        assertEquals(0, produced.exit(), produced.toString());
        assertEquals("", produced.out());
        assertEquals("created topic demo with 1 partition\nproduced 2 records to demo\n", produced.err());

        Exec consumed = pq("", "consume", "--data-dir", dataDir, "--topic", "demo", "--from-beginning", "--max", "2");
        assertEquals(0, consumed.exit(), consumed.toString());
        assertEquals("a\nb\n", consumed.out());
    }

    @Test
    void groupPositionsOutliveTheJvmAndCanBeDescribedAndReset() throws Exception {
        String dataDir = dir.resolve("queue").toString();
        assertEquals(0, pq("a\nb\nc\n", "produce", "--data-dir", dataDir, "--topic", "demo").exit());

        Exec first = pq("", "consume", "--data-dir", dataDir, "--topic", "demo", "--group", "g", "--from-beginning",
                "--max", "2");
        assertEquals(0, first.exit(), first.toString());
        assertEquals("a\nb\n", first.out());
        assertEquals("consumed 2 records from demo for group g\n", first.err(), "no log noise");

        Exec described = pq("", "describe-group", "g", "--data-dir", dataDir);
        assertEquals(0, described.exit(), described.toString());
        assertEquals("TOPIC  PARTITION  COMMITTED  END  LAG  OWNER\ndemo   0          2          3    1    -\n",
                described.out());
        assertEquals("group g has no members\n", described.err());

        Exec second = pq("", "consume", "--data-dir", dataDir, "--topic", "demo", "--group", "g", "--timeout-ms", "200");
        assertEquals("c\n", second.out(), second.toString());

        Exec reset = pq("", "reset-offsets", "--data-dir", dataDir, "--group", "g", "--topic", "demo", "--to-offset",
                "1");
        assertEquals(0, reset.exit(), reset.toString());
        assertEquals("TOPIC  PARTITION  NEW-OFFSET\ndemo   0          1\n", reset.out());
        Exec replay = pq("", "consume", "--data-dir", dataDir, "--topic", "demo", "--group", "g", "--timeout-ms", "200");
        assertEquals("b\nc\n", replay.out(), replay.toString());
    }

    @Test
    void directoryOwnedByThisProcessIsRefusedToTheJarEvenAfterARefusedSecondOpenButDumpReadsIt() throws Exception {
        Path dataDir = dir.resolve("queue");
        try (QueueBackend owner = PqRun.openBackend(dataDir)) {
            owner.admin().createTopicIfAbsent(new NewTopic("t", 1));
            owner.producer().send(ProducerRecord.of("t", "k", "v")).get();
            // A refused claim from the owner's own JVM used to drop the owner's OS lock on close.
            assertThrows(DataDirectoryLockedException.class, () -> PqRun.openBackend(dataDir));

            Exec topics = pq("", "topics", "--data-dir", dataDir.toString());
            assertEquals(1, topics.exit(), topics.toString());
            assertEquals("pq: data directory " + dataDir + " is in use by another queue (pid "
                    + ProcessHandle.current().pid() + "); one process owns a data directory at a time\n", topics.err());

            Exec dumped = pq("", "dump", "--data-dir", dataDir.toString(), "--topic", "t");
            assertEquals(0, dumped.exit(), dumped.toString());
            assertTrue(dumped.out().matches("partition=0 offset=0 timestamp=\\S+ key=\"k\" size=1\n"), dumped.out());
        }
    }

    @Test
    void aProduceOnAFullDiskWhoseRecordsAreAcknowledgedExitsZeroWithOneWarningAboutTheClose() throws Exception {
        Path mountPoint = disk.mountPoint();
        String dataDir = mountPoint.resolve("queue").toString();
        // Three such lines take a partition's log into its second page without an offset index
        // entry; the fourth then fits in that page but is due an entry, whose page is new.
        String line = "r".repeat(1900) + "\n";
        Exec first = pq(line.repeat(6), "produce", "--data-dir", dataDir, "--topic", "photos", "--partitions", "2");
        assertEquals(0, first.exit(), first.toString());
        Path filler = mountPoint.resolve("filler");
        try {
            try {
                Files.write(filler, new byte[(int) disk.bytes()]);
            } catch (IOException expected) {
                // the disk is full: what fitted stays
            }
            Exec full = pq(line.repeat(2), "produce", "--data-dir", dataDir, "--topic", "photos");
            assertEquals(0, full.exit(), "both records were acknowledged: " + full);
            List<String> lines = full.err().lines().toList();
            assertTrue(lines.contains("produced 2 records to photos"), full.toString());
            // Before: also "WARN LogSegment - index entry for offset 3 of …/photos/1/….log not written".
            List<String> warnings = lines.stream().filter(l -> !l.startsWith("produced ")).toList();
            assertEquals(1, warnings.size(), "one warning, about the close: " + full);
            assertTrue(warnings.get(0).startsWith("WARN LogManager - closed ")
                    && warnings.get(0).contains("No space left on device")
                    && warnings.get(0).contains("the next open checks them as after a crash"), full.toString());
        } finally {
            Files.deleteIfExists(filler);
        }
        Exec consumed = pq("", "consume", "--data-dir", dataDir, "--topic", "photos", "--from-beginning",
                "--timeout-ms", "500");
        assertEquals(0, consumed.exit(), consumed.toString());
        assertEquals(line.repeat(8), consumed.out(), "every acknowledged record after the reopen");
    }

    @Test
    void aRecoveryPointThatIsNoNumberIsOneWarningInWordsAndTheWholePartitionIsRecovered() throws Exception {
        Path dataDir = dir.resolve("queue");
        assertEquals(0, pq("a\nb\n", "produce", "--data-dir", dataDir.toString(), "--topic", "t").exit());
        Path recoveryPoint = dataDir.resolve("t").resolve("0").resolve("recovery-point");
        Files.writeString(recoveryPoint, "zz\n");
        Files.delete(dataDir.resolve(".clean-shutdown")); // as after a crash, so the point is read

        Exec topics = pq("", "topics", "--data-dir", dataDir.toString());
        assertEquals(0, topics.exit(), topics.toString());
        assertTrue(topics.out().contains("t      0          0      2    2"), topics.toString());
        // Before: "(java.lang.NumberFormatException: For input string: "zz")".
        assertEquals("WARN PartitionLoader - unreadable recovery point " + recoveryPoint
                + " (\"zz\" is no offset); recovering the whole partition\n", topics.err());
    }

    @Test
    void badCommandLineFromTheJarExitsTwoWithoutAStackTrace() throws Exception {
        Exec r = pq("", "consume", "--topic", "t", "--max", "abc");
        assertEquals(2, r.exit(), r.toString());
        List<String> lines = r.err().lines().toList();
        assertEquals("pq: --max must be a whole number >= 1, got 'abc'", lines.get(0));
        assertTrue(lines.get(1).startsWith("Usage: pq consume "), r.toString());
        assertEquals("Try 'pq consume --help' for more information.", lines.get(lines.size() - 1));
        assertTrue(lines.stream().noneMatch(l -> l.trim().startsWith("at ")), "no stack trace: " + r);
    }

    @Test
    void theJarCarriesPicocliItsVersionAndTheCompletionScript() throws Exception {
        Exec version = pq("", "--version");
        assertEquals(0, version.exit(), version.toString());
        assertEquals("pq " + System.getProperty("pq.version") + "\n", version.out());

        Exec help = pq("", "dlq", "show", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Prints one dead letter whole"), help.out());
        assertEquals("", help.err());

        Exec completion = pq("", "generate-completion");
        assertEquals(0, completion.exit(), completion.toString());
        assertTrue(completion.out().contains("complete -F _complete_pq"), completion.out());
    }
}
