package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.PartitionOfflineException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.queue.testing.StandardErrorCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.queue.env.FaultyFileIO.named;
import static dev.photoqueue.queue.log.LogTestSupport.bytes;
import static dev.photoqueue.queue.log.LogTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes of the log that fail, injected through {@link FaultyFileIO} on real files: a send whose
 * write or force failed is never acknowledged and its record never becomes readable, not even
 * behind a later batch; a failed force takes the partition offline instead of being retried; and
 * reopening (which recovers) finds exactly the acknowledged records. The ERROR line such a failure
 * writes is one a {@code pq} user reads on stderr (and an operator in the server's log): it names
 * the partition or file and says why in words, never as a Java exception's type.
 */
class StorageFaultTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

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

    private PartitionLog open(Map<String, String> topicSettings) {
        log = LogManager.open(dir, LogTestSupport.options(Clock.systemUTC()).withEnv(Env.system().withFiles(io)));
        return log.findTopic(TP.topic()).orElseGet(() -> log.createTopic(TP.topic(), 1, topicSettings)).partition(0);
    }

    private PartitionLog reopen() {
        try {
            log.close();
        } catch (RuntimeException expected) {
            // an offline partition refuses a clean close: the next open recovers
        }
        io.heal();
        log = LogManager.open(dir, LogTestSupport.options(Clock.systemUTC()).withEnv(Env.system().withFiles(io)));
        return log.topic(TP.topic()).partition(0);
    }

    private static RecordMetadata send(PartitionLog partition, String value) {
        return LogTestSupport.await(partition.append(1_000, null, bytes(value), List.of()));
    }

    private static Throwable sendFailure(PartitionLog partition, String value) {
        CompletableFuture<RecordMetadata> future = partition.append(1_000, null, bytes(value), List.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS),
                "the send of " + value + " must fail");
        return e.getCause();
    }

    private static List<String> values(PartitionLog partition) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord r : readAll(partition, partition.startOffset(), 1 << 16)) {
            out.add(r.offset() + ":" + new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void aFailedWriteFailsItsSendLeavesNothingReadableAndTheNextSendTakesItsOffset() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always"));
        send(partition, "a");
        io.fail(Op.WRITE, named(".log"), 1);
        Throwable failure = sendFailure(partition, "lost");
        assertInstanceOf(StorageException.class, failure);
        assertTrue(failure.getMessage().contains(".log"), "names the file: " + failure.getMessage());
        assertEquals(1, partition.endOffset(), "the failed record is not readable");
        assertNull(partition.offline(), "a write that was cut back leaves the partition writable");

        assertEquals(1, send(partition, "b").offset(), "offsets are taken only by batches that reached the file");
        assertEquals(List.of("0:a", "1:b"), values(partition));
        assertEquals(List.of("0:a", "1:b"), values(reopen()), "after reopening");
    }

    @Test
    void aDiskThatFillsUpInTheMiddleOfABatchHasItCutBackAndTakesWritesAgainOnceThereIsRoom() throws Exception {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always"));
        send(partition, "a");
        Path segment = LogTestSupport.segmentFiles(dir.resolve("t/0")).get(0);
        long before = Files.size(segment);
        io.diskFullAfter(10, named(".log"));
        Throwable failure = sendFailure(partition, "x".repeat(500));
        assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
        assertEquals(before, Files.size(segment), "the part of the batch that fitted was cut off again");
        assertEquals(1, partition.endOffset());

        io.heal();
        assertEquals(1, send(partition, "b").offset());
        assertEquals(List.of("0:a", "1:b"), values(reopen()));
    }

    @Test
    void aFailedForceTakesThePartitionOfflineAndItsRecordNeverBecomesReadable() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always"));
        send(partition, "a");
        io.fail(Op.FORCE, named(".log"), 1);
        Throwable failure = sendFailure(partition, "unforced");
        PartitionOfflineException offline = assertInstanceOf(PartitionOfflineException.class, failure);
        assertEquals(TP, offline.partition());
        assertTrue(offline.getMessage().contains("force"), offline.getMessage());

        // The fault is gone, but a force that succeeds now proves nothing about the pages lost before.
        Throwable later = sendFailure(partition, "after");
        assertInstanceOf(PartitionOfflineException.class, later, "an offline partition takes no writes");
        assertEquals(1, partition.endOffset(), "neither the unforced record nor a later one became readable");
        assertEquals(List.of("0:a"), values(partition));
        assertEquals(Map.of(TP, offline.getMessage()), log.offlinePartitions());

        PartitionLog reopened = reopen();
        assertNull(reopened.offline(), "reopening brings it back");
        assertEquals(List.of("0:a"), values(reopened), "the unforced record was cut off");
        assertEquals(1, send(reopened, "b").offset());
    }

    @Test
    void aPartitionThatGoesOfflineLogsOneLineThatSaysSoOnce() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always"));
        send(partition, "a");
        io.fail(Op.FORCE, named(".log"), 1);

        List<String> lines;
        try (StandardErrorCapture err = StandardErrorCapture.start()) {
            sendFailure(partition, "unforced");
            lines = err.linesWith("is offline");
        }

        assertInWords(lines, "one line for t-0 going offline");
        String line = lines.get(0);
        assertEquals(line.indexOf("is offline"), line.lastIndexOf("is offline"), "said once: " + line);
        assertTrue(line.contains("partition t-0 is offline and takes no writes until the queue is reopened: the force"
                + " of offsets 1..1 failed"), line);
        assertTrue(line.endsWith("; reopening it checks what is on disk"), line);
    }

    @Test
    void anOfflinePartitionIsNotMarkedCleanSoTheNextOpenRecoversIt() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always"));
        send(partition, "a");
        io.fail(Op.FORCE, named(".log"), 1);
        sendFailure(partition, "unforced");
        PartitionOfflineException closing = assertThrows(PartitionOfflineException.class, () -> log.close());
        assertEquals(TP, closing.partition());
        assertFalse(Files.exists(dir.resolve(LogFiles.CLEAN_SHUTDOWN)), "no clean-shutdown marker");
        log = null;
    }

    @Test
    void aFailedPeriodicForceTakesThePartitionOfflineAndIsNotRetried() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "interval", TopicConfigs.FLUSH_MS, "3600000"));
        send(partition, "a");
        io.failAlways(Op.FORCE, named(".log"));
        assertThrows(PartitionOfflineException.class, partition::flush);
        assertEquals(1, io.injected());
        partition.flush();
        partition.flush();
        assertEquals(1, io.injected(), "no force was tried again after the failed one");
        assertInstanceOf(PartitionOfflineException.class, sendFailure(partition, "b"));
        assertEquals(List.of("0:a"), values(reopen()), "written before the force, and kept by the OS here");
    }

    @Test
    void aFailedWriteThatCannotBeCutBackTakesThePartitionOffline() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always"));
        send(partition, "a");
        io.diskFullAfter(10, named(".log"));
        io.fail(Op.TRUNCATE, named(".log"), 1);
        Throwable failure = sendFailure(partition, "x".repeat(500));
        PartitionOfflineException offline = assertInstanceOf(PartitionOfflineException.class, failure);
        assertTrue(offline.getMessage().contains("could not be cut back"), offline.getMessage());
        assertEquals(List.of("0:a"), values(partition));
        assertEquals(List.of("0:a"), values(reopen()), "recovery cuts the partial batch the failed cut left");
    }

    @Test
    void aRollThatCannotCreateItsNewSegmentTakesThePartitionOfflineAndLosesNothingAcknowledged() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always", TopicConfigs.SEGMENT_BYTES, "1024"));
        List<String> acked = new ArrayList<>();
        for (int i = 0; partition.segmentCount() < 2; i++) {
            send(partition, "r" + i);
            acked.add(i + ":r" + i);
        }
        io.fail(Op.OPEN, named(".log"), 1);
        int count = acked.size();
        Throwable failure = null;
        for (int i = count; failure == null && i < count + 500; i++) {
            CompletableFuture<RecordMetadata> f = partition.append(1_000, null, bytes("r" + i), List.of());
            try {
                f.get(30, TimeUnit.SECONDS);
                acked.add(i + ":r" + i);
            } catch (Exception e) {
                failure = e.getCause();
            }
        }
        assertInstanceOf(PartitionOfflineException.class, failure, "a roll fails when its segment cannot be opened");
        assertEquals(acked, values(partition));
        assertEquals(acked, values(reopen()));
    }

    @Test
    void aRecoveryPointThatCannotBeWrittenTakesThePartitionOffline() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always", TopicConfigs.SEGMENT_BYTES, "1024"));
        List<String> acked = new ArrayList<>();
        io.fail(Op.MOVE, named(LogFiles.RECOVERY_POINT), 1);
        Throwable failure = null;
        for (int i = 0; failure == null && i < 500; i++) {
            try {
                partition.append(1_000, null, bytes("r" + i), List.of()).get(30, TimeUnit.SECONDS);
                acked.add(i + ":r" + i);
            } catch (Exception e) {
                failure = e.getCause();
            }
        }
        assertInstanceOf(PartitionOfflineException.class, failure);
        assertEquals(acked, values(reopen()));
    }

    @Test
    void aCloseWhoseForceFailsLogsThePartitionAndWhyInWords() {
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "never"));
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
        PartitionLog partition = open(Map.of(TopicConfigs.FSYNC, "always"));
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

    private static void assertInWords(List<String> lines, String context) {
        assertEquals(1, lines.size(), context + ": " + lines);
        String line = lines.get(0);
        assertFalse(line.contains("java.") || line.contains("Exception"), "no Java type's name: " + line);
    }
}
