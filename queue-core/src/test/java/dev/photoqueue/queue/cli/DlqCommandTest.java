package dev.photoqueue.queue.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code pq consume --no-ack} as a crashing worker: each run is a delivery, and after five the
 * records are dead letters that {@code pq dlq list} shows and {@code pq dlq redrive} sends back.
 */
class DlqCommandTest {

    @TempDir
    Path dir;

    private PqRun.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--data-dir", dir.resolve("queue").toString()));
        return pq(all.toArray(String[]::new));
    }

    private PqRun.Result consume(String... more) {
        List<String> args = new ArrayList<>(List.of("consume", "--topic", "n", "--group", "g", "--from-beginning",
                "--timeout-ms", "200"));
        args.addAll(List.of(more));
        PqRun.Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private void produce(String lines) {
        PqRun.Result r = pqWithInput(lines, "produce", "--data-dir", dir.resolve("queue").toString(), "--topic", "n");
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void recordsNeverAckedGoToTheDeadLetterTopicAfterFiveRunsAndCanBeRedriven() {
        produce("a\nb\n");
        for (int run = 1; run <= 5; run++) {
            assertEquals("a\nb\n", consume("--no-ack").out(), "run " + run);
        }
        produce("c\n");
        assertEquals("c\n", consume().out(), "a and b are dead letters now; c flows");

        PqRun.Result list = run("dlq", "list", "--topic", "n");
        assertEquals(0, list.exit(), list.toString());
        List<String> lines = list.out().lines().toList();
        assertEquals(3, lines.size(), list.out());
        assertTrue(lines.get(0).startsWith("DLQ-OFFSET"), lines.get(0));
        assertTrue(lines.get(1).matches("0\\s+n\\s+0\\s+0\\s+5\\s+\\S+Z\\s+no acknowledgement in 5 deliveries: .*"), lines.get(1));
        assertTrue(lines.get(2).matches("1\\s+n\\s+0\\s+1\\s+5\\s+\\S+Z\\s+no acknowledgement in 5 deliveries: .*"), lines.get(2));

        PqRun.Result one = run("dlq", "redrive", "--topic", "n", "--offset", "0:0");
        assertEquals(0, one.exit(), one.toString());
        assertEquals(List.of("redrove 1 record from n.dlq"), one.errLines());
        assertEquals("a\n", consume().out());
        PqRun.Result again = run("dlq", "redrive", "--topic", "n", "--offset", "0:0");
        assertEquals(1, again.exit(), "redriven once only: " + again);
        assertEquals(List.of("pq: no dead letter of n from 0:0 waits in n.dlq"), again.errLines(),
                "the error alone, no count of nothing redriven");

        assertEquals(0, run("dlq", "redrive", "--topic", "n", "--all").exit());
        assertEquals("b\n", consume().out());
        PqRun.Result empty = run("dlq", "list", "--topic", "n.dlq");
        assertEquals("", empty.out());
        assertEquals(List.of("no dead letters wait in n.dlq"), empty.errLines());
    }

    @Test
    void redriveNeedsExactlyOneSelection() {
        produce("a\n");
        assertEquals(2, run("dlq", "redrive", "--topic", "n").exit());
        assertEquals(2, run("dlq", "redrive", "--topic", "n", "--all", "--offset", "0:0").exit());
        assertEquals(2, run("dlq", "redrive", "--topic", "n", "--offset", "zero").exit());
        assertEquals(2, run("dlq", "purge", "--topic", "n").exit());
        assertEquals(2, run("consume", "--topic", "n", "--no-ack").exit(), "--no-ack needs a group");
    }

    @Test
    void aTopicThatNeverDeadLetteredARecordHasNoDeadLettersRatherThanBeingUnknown() {
        produce("a\n");

        PqRun.Result list = run("dlq", "list", "--topic", "n");
        assertEquals(0, list.exit(), list.toString());
        assertEquals("", list.out());
        assertEquals(List.of("no dead letters wait in n.dlq"), list.errLines());

        PqRun.Result all = run("dlq", "redrive", "--topic", "n", "--all");
        assertEquals(0, all.exit(), all.toString());
        assertEquals(List.of("redrove 0 records from n.dlq"), all.errLines());

        PqRun.Result one = run("dlq", "redrive", "--topic", "n", "--offset", "0:0");
        assertEquals(1, one.exit(), one.toString());
        assertEquals(List.of("pq: no dead letter of n from 0:0 waits in n.dlq"), one.errLines());

        PqRun.Result show = run("dlq", "show", "--topic", "n.dlq", "--offset", "0");
        assertEquals(1, show.exit(), show.toString());
        assertTrue(show.err().startsWith("pq: no dead letter waits at offset 0 of n.dlq"), show.toString());

        PqRun.Result unknown = run("dlq", "list", "--topic", "nope");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().startsWith("pq: unknown topic \"nope\""), unknown.toString());
    }
}
