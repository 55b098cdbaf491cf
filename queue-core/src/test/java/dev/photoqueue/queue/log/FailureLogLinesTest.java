package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.PartitionOfflineException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.queue.testing.StandardErrorCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.env.FaultyFileIO.named;
import static dev.photoqueue.queue.log.LogTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ERROR lines the log writes when a force, a cut back or a close of a partition fails are
 * lines a {@code pq} user reads on stderr (and an operator in the server's log): each names the
 * partition or file and says why in words, never as a Java exception's type.
 */
class FailureLogLinesTest {

    @TempDir
    Path dir;

    private final FaultyFileIO io = new FaultyFileIO();
    private LogManager log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            try {
                log.close();
            } catch (RuntimeException expectedForAnOfflinePartition) {
                // asserted where it matters
            }
        }
    }

    private PartitionLog open(String fsync) {
        log = LogManager.open(dir, LogTestSupport.options(Clock.systemUTC()).withEnv(Env.system().withFiles(io)));
        return log.createTopic("t", 1, Map.of(TopicConfigs.FSYNC, fsync)).partition(0);
    }

    private static RecordMetadata send(PartitionLog partition, String value) {
        return LogTestSupport.await(partition.append(1_000, null, bytes(value), List.of()));
    }

    private static void assertInWords(List<String> lines, String context) {
        assertEquals(1, lines.size(), context + ": " + lines);
        String line = lines.get(0);
        assertFalse(line.contains("java.") || line.contains("Exception"), "no Java type's name: " + line);
    }

    @Test
    void aCloseWhoseForceFailsLogsThePartitionAndWhyInWords() {
        PartitionLog partition = open("never");
        send(partition, "a");
        Path segment = dir.resolve("t").resolve("0").resolve("00000000000000000000.log");
        io.fail(Op.FORCE, named(".log"), 1);

        List<String> lines;
        try (StandardErrorCapture err = StandardErrorCapture.start()) {
            assertThrows(PartitionOfflineException.class, log::close);
            lines = err.linesWith("closing t-0 failed");
        }
        log = null;

        assertInWords(lines, "one line for the close of t-0");
        assertTrue(lines.get(0).endsWith("closing t-0 failed: partition t-0 is offline and takes no writes until the "
                + "queue is reopened: the force at close failed: cannot force " + segment
                + ": injected fault: force of " + segment + " failed"), lines.get(0));
    }

    @Test
    void aFailedWriteThatCannotBeCutBackLogsTheFileAndWhyInWords() throws Exception {
        PartitionLog partition = open("always");
        send(partition, "a");
        Path segment = dir.resolve("t").resolve("0").resolve("00000000000000000000.log");
        io.diskFullAfter(10, named(".log"));
        io.fail(Op.TRUNCATE, named(".log"), 1);

        List<String> lines;
        try (StandardErrorCapture err = StandardErrorCapture.start()) {
            CompletableFuture<RecordMetadata> lost = partition.append(1_000, null, bytes("x".repeat(500)), List.of());
            ExecutionException failed = assertThrows(ExecutionException.class, () -> lost.get(30, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof PartitionOfflineException, failed.getCause().toString());
            lines = err.linesWith("cannot cut " + segment);
        }

        assertInWords(lines, "one line for the cut back of " + segment);
        assertTrue(lines.get(0).matches(".*cannot cut \\Q" + segment + "\\E back to \\d+ bytes after a failed write: "
                + "injected fault: truncate of \\Q" + segment + "\\E failed"), lines.get(0));
    }
}
