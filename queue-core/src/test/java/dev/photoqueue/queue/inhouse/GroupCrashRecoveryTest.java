package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.testing.ChildJvm;
import dev.photoqueue.queue.testing.ChildJvms;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.inhouse.GroupCrashChildMain.GROUP;
import static dev.photoqueue.queue.inhouse.GroupCrashChildMain.TOPIC;
import static org.junit.jupiter.api.Assertions.*;

/**
 * At-least-once across kill -9 of the consuming process. A worker in a child JVM writes each record
 * to a file before acking it and is killed mid-stream; a second worker on the same data directory
 * finishes. Nothing is lost, and the only records processed twice are those the first worker
 * processed in its last {@value #DUPLICATE_WINDOW_MS} ms.
 *
 * <p>Why that bound: the coordinator persists positions every 100 ms (fixed delay),
 * so at the kill the last durable position was taken at most one interval ago, plus the time the
 * persist thread waited to be scheduled and the moment its append took to reach the log. Records
 * acked before that position was taken are never processed again; the ones after it (and the
 * record in flight, written but not acked) are. Three intervals leave room for scheduling on a
 * busy machine while still failing if positions were persisted only at close, or not at all: the
 * first worker runs for well over a second ({@value #KILL_AFTER_LINES} records at 1 ms or more each).
 */
@Timeout(120)
class GroupCrashRecoveryTest {

    private static final int RECORDS = 3000;
    private static final int PARTITIONS = 4;
    private static final int KILL_AFTER_LINES = 800;
    static final long DUPLICATE_WINDOW_MS = 300;

    @TempDir
    Path tmp;

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    /** One line of a worker's output: a record it processed, and when (its own System.nanoTime). */
    private record Processed(int partition, long offset, String value, long nanos) {
        static Processed parse(String line) {
            String[] f = line.split(" ");
            return new Processed(Integer.parseInt(f[0]), Long.parseLong(f[1]), f[2], Long.parseLong(f[3]));
        }
    }

    @ParameterizedTest(name = "acks {0}")
    @ValueSource(strings = {"in-order", "shuffled"})
    void killedWorkerLosesNothingAndOnlyItsUnpersistedTailIsProcessedAgain(String ackOrder) throws Exception {
        Path dataDir = tmp.resolve("data").toAbsolutePath();
        try (QueueBackend backend = InhouseTestSupport.open(dataDir)) {
            backend.admin().createTopic(new NewTopic(TOPIC, PARTITIONS));
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(ProducerRecord.of(TOPIC, "k" + i, "r" + i));
                }
            }
        }

        Path firstOut = tmp.resolve("first.txt");
        ChildJvm first = startChild(dataDir, firstOut, 1000, ackOrder);
        first.awaitCondition("the first worker wrote " + KILL_AFTER_LINES + " lines",
                () -> countLines(firstOut) >= KILL_AFTER_LINES);
        first.kill();
        List<Processed> before = read(firstOut);
        assertTrue(before.size() < RECORDS, "killed mid-stream, after " + before.size() + " records");

        Path secondOut = tmp.resolve("second.txt");
        ChildJvm second = startChild(dataDir, secondOut, 0, "in-order");
        assertEquals(0, second.awaitExit(), "the second worker failed");
        List<Processed> after = read(secondOut);

        checkNothingLost(before, after);
        checkEachWorkerProcessedEachRecordOnce(before, "first");
        checkEachWorkerProcessedEachRecordOnce(after, "second");
        checkSecondWorkerWentInOffsetOrder(after);
        checkDuplicatesAreTheLastWindowOnly(before, after);
        if (ackOrder.equals("in-order")) {
            checkDuplicatesAreAContiguousTailPerPartition(before, after);
        }
        try (QueueBackend backend = InhouseTestSupport.open(dataDir)) {
            assertEquals(0, backend.admin().describeGroup(GROUP).totalLag(), "the second worker's close persisted all");
        }
    }

    private ChildJvm startChild(Path dataDir, Path out, long delayMicros, String ackOrder) throws IOException {
        return children.start(GroupCrashChildMain.class, dataDir.toString(), out.toString(),
                String.valueOf(delayMicros), ackOrder, "42");
    }

    /** Complete lines the worker has written so far; none before it created the file. */
    private static int countLines(Path out) {
        if (!Files.exists(out)) {
            return 0;
        }
        try {
            int n = 0;
            for (byte b : Files.readAllBytes(out)) {
                n += b == '\n' ? 1 : 0;
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + out, e);
        }
    }

    /** Complete lines only: each is one write, so a kill cannot tear one, but be strict about it. */
    private static List<Processed> read(Path out) throws IOException {
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(text.isEmpty() || text.endsWith("\n"), "a torn last line in " + out);
        List<Processed> list = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                list.add(Processed.parse(line));
            }
        }
        return list;
    }

    private static void checkNothingLost(List<Processed> before, List<Processed> after) {
        Set<String> seen = new HashSet<>();
        before.forEach(p -> seen.add(p.value()));
        after.forEach(p -> seen.add(p.value()));
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            if (!seen.contains("r" + i)) {
                missing.add("r" + i);
            }
        }
        assertEquals(List.of(), missing, "records never processed");
        assertEquals(RECORDS, seen.size(), "records that were never produced: " + seen.size());
    }

    private static void checkEachWorkerProcessedEachRecordOnce(List<Processed> lines, String worker) {
        Set<String> seen = new HashSet<>();
        for (Processed p : lines) {
            assertTrue(seen.add(p.value()), "the " + worker + " worker processed " + p + " twice");
        }
    }

    /** Increasing, not contiguous: records the first worker acked out of order are skipped. */
    private static void checkSecondWorkerWentInOffsetOrder(List<Processed> after) {
        Map<Integer, Long> last = new HashMap<>();
        for (Processed p : after) {
            Long previous = last.put(p.partition(), p.offset());
            assertTrue(previous == null || p.offset() > previous,
                    "partition " + p.partition() + ": offset " + p.offset() + " after " + previous);
        }
    }

    private static void checkDuplicatesAreTheLastWindowOnly(List<Processed> before, List<Processed> after) {
        long lastNanos = before.get(before.size() - 1).nanos();
        long windowStart = lastNanos - TimeUnit.MILLISECONDS.toNanos(DUPLICATE_WINDOW_MS);
        assertTrue(before.get(0).nanos() < windowStart, "the first worker ran for less than the window: too short to tell");
        Set<String> again = new HashSet<>();
        after.forEach(p -> again.add(p.value()));
        int duplicates = 0;
        for (Processed p : before) {
            boolean late = p.nanos() >= windowStart;
            if (again.contains(p.value())) {
                duplicates++;
                assertTrue(late, p + " was processed again though the first worker acked it "
                        + TimeUnit.NANOSECONDS.toMillis(lastNanos - p.nanos()) + " ms before it was killed");
            }
        }
        assertTrue(duplicates < before.size(), "everything was processed again: no position was persisted");
    }

    private static void checkDuplicatesAreAContiguousTailPerPartition(List<Processed> before, List<Processed> after) {
        Map<Integer, Long> lastBefore = new TreeMap<>();
        Map<Integer, Long> expectNext = new HashMap<>();
        for (Processed p : before) {
            long expected = expectNext.getOrDefault(p.partition(), 0L);
            assertEquals(expected, p.offset(), "first worker, partition " + p.partition());
            expectNext.put(p.partition(), expected + 1);
            lastBefore.put(p.partition(), p.offset());
        }
        Map<Integer, Long> firstAfter = new HashMap<>();
        Map<Integer, Long> lastAfter = new HashMap<>();
        for (Processed p : after) {
            firstAfter.putIfAbsent(p.partition(), p.offset());
            Long previous = lastAfter.put(p.partition(), p.offset());
            assertTrue(previous == null || p.offset() == previous + 1,
                    "second worker, partition " + p.partition() + ": offset " + p.offset() + " after " + previous);
        }
        for (int partition = 0; partition < PARTITIONS; partition++) {
            long last = lastBefore.getOrDefault(partition, -1L);
            Long resumedAt = firstAfter.get(partition);
            if (resumedAt != null) {
                assertTrue(resumedAt <= last + 1, "partition " + partition + ": the second worker resumed at "
                        + resumedAt + ", after a gap following " + last);
            }
        }
    }
}
