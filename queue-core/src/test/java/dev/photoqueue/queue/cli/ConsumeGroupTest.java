package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

/** {@code pq consume --group}: positions that outlive the process, per group. */
class ConsumeGroupTest {

    @TempDir
    Path dir;

    private String dataDir() {
        return dir.resolve("queue").toString();
    }

    private void produce(String topic, String lines, String... more) {
        List<String> args = new ArrayList<>(List.of("produce", "--data-dir", dataDir(), "--topic", topic));
        args.addAll(List.of(more));
        PqRun.Result r = pqWithInput(lines, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
    }

    private PqRun.Result consume(String topic, String group, String... more) {
        List<String> args = new ArrayList<>(List.of("consume", "--data-dir", dataDir(), "--topic", topic,
                "--group", group, "--timeout-ms", "200"));
        args.addAll(List.of(more));
        PqRun.Result r = pq(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void consumeWithGroupContinuesWhereThePreviousRunStopped() {
        produce("n", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");

        PqRun.Result first = consume("n", "g", "--from-beginning", "--max", "4");
        assertEquals("1\n2\n3\n4\n", first.out());
        assertEquals(List.of("consumed 4 records from n for group g"), first.errLines());

        // No --from-beginning: the group has a committed position, and that is where it goes on.
        assertEquals("5\n6\n7\n8\n", consume("n", "g", "--max", "4").out());
        // --from-beginning does not rewind a group that has positions.
        assertEquals("9\n10\n", consume("n", "g", "--from-beginning").out());
        PqRun.Result drained = consume("n", "g");
        assertEquals("", drained.out());
        assertEquals(List.of("consumed 0 records from n for group g"), drained.errLines());

        produce("n", "11\n");
        assertEquals("11\n", consume("n", "g").out());
    }

    @Test
    void recordsPolledButNotPrintedBecauseOfMaxAreNotAckedAndComeNextTime() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            lines.append("k").append(i % 7).append('\t').append("v").append(i).append('\n');
        }
        produce("photos", lines.toString(), "--partitions", "3", "--keyed");

        List<String> printed = new ArrayList<>();
        int runs = 0;
        while (runs++ < 20) {
            // --from-beginning matters for the first run only; later the group has positions.
            PqRun.Result r = consume("photos", "g", "--from-beginning", "--max", "7");
            if (r.out().isEmpty()) {
                break;
            }
            assertTrue(r.outLines().size() <= 7, r.toString());
            printed.addAll(r.outLines());
        }
        assertEquals(30, printed.size(), "each record printed exactly once over the runs: " + printed);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            expected.add("v" + i);
        }
        assertEquals(expected, new HashSet<>(printed));
    }

    @Test
    void withoutFromBeginningANewGroupStartsAtTheEndAndKeepsThatPosition() {
        produce("t", "old-1\nold-2\n");

        PqRun.Result atTheEnd = consume("t", "late");
        assertEquals("", atTheEnd.out(), "a new group without --from-beginning skips what is there");

        produce("t", "new-1\n");
        // The group's position was taken at its first run, so new-1 is waiting for it; old records are not.
        assertEquals("new-1\n", consume("t", "late", "--from-beginning").out());

        // A group that is new now, with --from-beginning, starts at the first stored record.
        assertEquals("old-1\nold-2\nnew-1\n", consume("t", "early", "--from-beginning").out());
    }

    @Test
    void aSecondGroupOnTheSameTopicGetsEveryRecordIndependently() {
        produce("t", "a\nb\nc\nd\ne\n");

        assertEquals("a\nb\nc\n", consume("t", "first", "--from-beginning", "--max", "3").out());
        assertEquals("a\nb\nc\nd\ne\n", consume("t", "second", "--from-beginning").out());
        assertEquals("d\ne\n", consume("t", "first").out(), "the second group moved nothing of the first");
        assertEquals("", consume("t", "second").out());

        // Without --group nothing is remembered and no group appears.
        PqRun.Result plain = pq("consume", "--data-dir", dataDir(), "--topic", "t", "--from-beginning");
        assertEquals("a\nb\nc\nd\ne\n", plain.out());
        PqRun.Result groups = pq("groups", "--data-dir", dataDir());
        assertEquals(List.of("first", "second"), groups.outLines().stream().skip(1)
                .map(line -> line.split("\\s+")[0]).toList(), groups.toString());
    }

    @Test
    void recordsWhoseLinesCouldNotBeWrittenAreNotAckedAndComeAgain() {
        produce("t", "a\nb\nc\n");
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Pq.run(new String[] {"consume", "--data-dir", dataDir(), "--topic", "t", "--group", "g",
                "--from-beginning"}, InputStream.nullInputStream(), new PrintStream(broken, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, exit);
        assertEquals("pq: cannot write to standard output; stopped after 0 records\n",
                err.toString(StandardCharsets.UTF_8));

        assertEquals("a\nb\nc\n", consume("t", "g").out(), "at-least-once: nothing was acked");
    }

    /**
     * {@code pq consume --group g | head -2}: standard output as pq.jar has it (buffered), into a
     * pipe whose reader takes what each write brings and goes away after its second line; the
     * writes after that fail, as they do with EPIPE.
     */
    @Test
    void aReaderThatLeavesAfterTwoLinesGetsTwoAckedAndTheRestComesAgain() {
        produce("t", "a\nb\nc\nd\ne\nf\n");
        OutputStream headTwo = new OutputStream() {
            private int lines;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (lines >= 2) {
                    throw new IOException("Broken pipe");
                }
                for (int i = off; i < off + len; i++) {
                    lines += b[i] == '\n' ? 1 : 0;
                }
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Pq.run(new String[] {"consume", "--data-dir", dataDir(), "--topic", "t", "--group", "g",
                "--from-beginning"}, InputStream.nullInputStream(),
                new PrintStream(new BufferedOutputStream(headTwo, 1 << 16), false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, exit, err.toString(StandardCharsets.UTF_8));
        assertEquals("pq: cannot write to standard output; stopped after 2 records\n",
                err.toString(StandardCharsets.UTF_8));

        assertEquals("c\nd\ne\nf\n", consume("t", "g").out(), "only the two lines the reader took were acked");
    }

    @Test
    void consumeWithGroupOfAMissingTopicFailsAndCreatesNoGroup() {
        produce("t", "a\n");
        PqRun.Result r = pq("consume", "--data-dir", dataDir(), "--topic", "nope", "--group", "g");
        assertEquals(1, r.exit(), r.toString());
        assertEquals(List.of("pq: unknown topic \"nope\" in data directory " + dataDir()), r.errLines());

        PqRun.Result groups = pq("groups", "--data-dir", dataDir());
        assertEquals(0, groups.exit(), groups.toString());
        assertEquals("", groups.out());
        assertEquals(List.of("no consumer groups in " + dataDir()), groups.errLines());
    }

    @Test
    void sharedModePrintsAndAcksEveryRecordOnceAndTheNextRunPrintsNothingNew() {
        produce("s", "1\n2\n3\n4\n5\n6\n", "--partitions", "3");

        PqRun.Result first = consume("s", "g", "--mode", "shared", "--from-beginning");
        List<String> lines = first.outLines();
        assertEquals(6, lines.size(), first.toString());
        assertEquals(Set.of("1", "2", "3", "4", "5", "6"), new HashSet<>(lines), "each record once, in no set order");
        assertEquals(List.of("consumed 6 records from s for group g"), first.errLines());

        assertEquals("", consume("s", "g", "--mode", "shared").out());
        produce("s", "7\n");
        assertEquals("7\n", consume("s", "g", "--mode", "SHARED").out());
        // The group is empty between runs, so it may go back to ORDERED and keeps its positions.
        assertEquals("", consume("s", "g", "--mode", "ordered").out());
    }

    /**
     * A run that stops at --max before it read from every partition leaves the group a position on
     * each, in SHARED mode as in ORDERED: what is written to the others meanwhile is read by the next
     * run, which without --from-beginning would otherwise start them at their end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ordered", "shared"})
    void aRunStoppedByMaxLeavesAPositionOnEveryPartitionAndTheNextRunMissesNothing(String mode) {
        produce("t", "first\n", "--partitions", "3");
        assertEquals("first\n", consume("t", "g", "--mode", mode, "--from-beginning", "--max", "1").out());
        PqRun.Result described = pq("describe-group", "g", "--data-dir", dataDir());
        assertEquals(0, described.exit(), described.toString());
        assertEquals(List.of("t 0", "t 1", "t 2"), described.outLines().stream().skip(1)
                .map(line -> String.join(" ", List.of(line.split("\\s+")).subList(0, 2))).toList(),
                "a position on every partition: " + described);

        StringBuilder lines = new StringBuilder();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            lines.append("user-").append(i).append('\t').append("v").append(i).append('\n');
            written.add("v" + i);
        }
        produce("t", lines.toString(), "--keyed");
        PqRun.Result next = consume("t", "g", "--mode", mode);
        assertEquals(written, new HashSet<>(next.outLines()), next.toString());
    }

    @Test
    void sharedModeWithNoAckDeliversAgainEachRunUntilTheRecordIsADeadLetter() {
        produce("n", "a\n");
        for (int run = 1; run <= 5; run++) {
            // Leaving the group unlocks the record at once: no wait for the visibility timeout.
            assertEquals("a\n", consume("n", "g", "--mode", "shared", "--from-beginning", "--no-ack").out(),
                    "run " + run);
        }
        assertEquals("", consume("n", "g", "--mode", "shared", "--no-ack").out(), "a sixth delivery is a dead letter");

        PqRun.Result list = pq("dlq", "list", "--data-dir", dataDir(), "--topic", "n");
        assertEquals(0, list.exit(), list.toString());
        List<String> lines = list.outLines();
        assertEquals(2, lines.size(), list.out());
        assertTrue(lines.get(1).matches("0\\s+n\\s+0\\s+0\\s+5\\s+\\S+Z\\s+no acknowledgement in 5 deliveries: .*"), lines.get(1));

        produce("n", "b\n");
        assertEquals("b\n", consume("n", "g", "--mode", "shared").out(), "the dead letter is done for the group");
    }
}
