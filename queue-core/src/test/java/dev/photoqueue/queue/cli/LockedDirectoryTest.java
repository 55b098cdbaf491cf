package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

class LockedDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void commandsThatOpenTheQueueExitOneNamingTheDirectoryWhileAnotherQueueOwnsIt() throws Exception {
        Path dataDir = dir.resolve("queue");
        assertEquals(0, pqWithInput("before\n", "produce", "--data-dir", dataDir.toString(), "--topic", "t").exit());
        try (QueueBackend owner = PqRun.openBackend(dataDir)) {
            for (List<String> args : List.of(
                    List.of("produce", "--topic", "t"),
                    List.of("consume", "--topic", "t", "--from-beginning"),
                    List.of("consume", "--topic", "t", "--group", "g"),
                    List.of("topics"),
                    List.of("groups"),
                    List.of("describe-group", "g"),
                    List.of("reset-offsets", "--group", "g", "--topic", "t", "--to-earliest"))) {
                PqRun.Result r = pqWithInput("during\n", concat(args, "--data-dir", dataDir.toString()));
                assertEquals(1, r.exit(), r.toString());
                assertEquals("", r.out());
                assertEquals(1, r.errLines().size(), r.toString());
                String error = r.errLines().get(0);
                assertTrue(error.startsWith("pq: data directory " + dataDir + " is in use by another queue"), error);
            }
            // the refused commands left the owner's lock and data alone
            assertEquals(1, owner.producer().send(ProducerRecord.of("t", (String) null, "owner")).get().offset());
        }
        assertEquals(List.of("before", "owner"), PqRun.readAll(dataDir, "t").stream()
                .map(r -> r.valueAsString()).toList());
    }

    @Test
    void everyCommandClosesTheQueueSoTheNextOneCanOpenIt() {
        Path dataDir = dir.resolve("queue");
        String d = dataDir.toString();
        assertEquals(0, pqWithInput("a\n", "produce", "--data-dir", d, "--topic", "t").exit());
        assertEquals(2, pqWithInput("x\n", "produce", "--data-dir", d, "--topic", "t", "--keyed").exit());
        assertEquals(2, pqWithInput("x\n", "produce", "--data-dir", d, "--topic", "t", "--partitions", "5").exit());
        assertEquals(1, pq("consume", "--data-dir", d, "--topic", "missing").exit());
        assertEquals(0, pq("consume", "--data-dir", d, "--topic", "t", "--timeout-ms", "0").exit());
        assertEquals(0, pq("topics", "--data-dir", d).exit());
        assertEquals(0, pq("consume", "--data-dir", d, "--topic", "t", "--group", "g", "--timeout-ms", "0").exit());
        assertEquals(1, pq("consume", "--data-dir", d, "--topic", "missing", "--group", "g").exit());
        assertEquals(0, pq("groups", "--data-dir", d).exit());
        assertEquals(0, pq("describe-group", "g", "--data-dir", d).exit());
        assertEquals(1, pq("describe-group", "missing", "--data-dir", d).exit());
        assertEquals(0, pq("reset-offsets", "--data-dir", d, "--group", "g", "--topic", "t", "--to-earliest").exit());
        assertEquals(1, pq("reset-offsets", "--data-dir", d, "--group", "g", "--topic", "missing", "--to-latest")
                .exit());
        assertTrue(Files.exists(dataDir.resolve(".clean-shutdown")), "the last close marked the shutdown clean");
        PqRun.Result last = pq("consume", "--data-dir", d, "--topic", "t", "--from-beginning");
        assertEquals("a\n", last.out(), last.toString());
    }

    private static String[] concat(List<String> args, String... more) {
        return java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of(more)).toArray(String[]::new);
    }
}
