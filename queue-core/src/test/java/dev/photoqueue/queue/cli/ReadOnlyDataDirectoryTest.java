package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.testing.ReadOnlyMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.photoqueue.queue.cli.PqRun.pq;
import static dev.photoqueue.queue.cli.PqRun.pqWithInput;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A data directory seen through a read-only bind mount (root ignores permissions, so a read-only
 * mount is how a test makes a directory pq cannot write; it needs root or CAP_SYS_ADMIN and is
 * skipped, saying why, elsewhere): every command that takes the directory's lock fails with exit
 * status 1 and one line naming the path and the cause in words, and {@code dump}, which takes no
 * lock, still reads it.
 */
class ReadOnlyDataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void commandsThatTakeTheLockNameTheLockFileAndTheCauseInWordsAndDumpStillReads() throws Exception {
        assertEquals(0, pqWithInput("a\nb\n", "produce", "--data-dir", dir.resolve("queue").toString(), "--topic", "t")
                .exit());
        try (ReadOnlyMount readOnly = ReadOnlyMount.of(dir)) {
            Path dataDir = readOnly.path().resolve("queue");
            String d = dataDir.toString();
            String lockFailure = "pq: cannot open lock file " + dataDir.resolve(".lock") + ": Read-only file system";
            for (List<String> args : PqRun.QUEUE_OPENING_COMMANDS) {
                PqRun.Result r = pqWithInput("c\n", Stream.concat(args.stream(), Stream.of("--data-dir", d))
                        .toArray(String[]::new));
                assertEquals(1, r.exit(), r.toString());
                assertEquals("", r.out(), r.toString());
                assertEquals(List.of(lockFailure), r.errLines(), args + ": " + r);
            }

            Path newDir = readOnly.path().resolve("new");
            PqRun.Result create = pqWithInput("c\n", "produce", "--data-dir", newDir.toString(), "--topic", "t");
            assertEquals(1, create.exit(), create.toString());
            assertEquals(List.of("pq: cannot create data directory " + newDir + ": Read-only file system"),
                    create.errLines());

            PqRun.Result dump = pq("dump", "--data-dir", d, "--topic", "t");
            assertEquals(0, dump.exit(), dump.toString());
            assertEquals(2, dump.outLines().size(), dump.toString());
        }
        assertEquals(List.of("a", "b"), PqRun.readAll(dir.resolve("queue"), "t").stream()
                .map(r -> r.valueAsString()).toList(), "the refused commands changed nothing");
    }
}
