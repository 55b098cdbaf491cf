package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write torn by a crash leaves a partial batch at the end of the active segment; a power loss
 * can leave zeros there instead. Opening must cut the segment back to its last whole batch, with
 * or without the clean-shutdown marker, and appends must carry on from there.
 */
class TornWriteRecoveryTest {

    private static final String TOPIC = "torn";

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    private Path pristine;
    private List<Rec> written;
    private Path lastSegmentName;
    private List<BatchInfo> lastBatches;

    @BeforeEach
    void writeThreeSegments() {
        pristine = tmp.resolve("pristine");
        SegmentWriter writer = new SegmentWriter(7);
        try (LogManager manager = LogManager.open(pristine)) {
            PartitionLog log = manager.createTopic(TOPIC, 1, settings(TopicConfigs.SEGMENT_BYTES, "1024",
                    LogConfig.INDEX_INTERVAL_BYTES, "100")).partition(0);
            writer.fill(log, 3, 5);
        }
        written = writer.written();
        List<Path> segments = segmentFiles(partitionDir(pristine, TOPIC, 0));
        assertEquals(3, segments.size());
        lastSegmentName = segments.get(2).getFileName();
        lastBatches = batches(segments.get(2));
    }

    @Test
    void truncatesTornTailToLastWholeBatch() throws Exception {
        long lastSize = lastBatches.get(lastBatches.size() - 1).end();
        for (long cut = 0; cut < lastSize; cut++) {
            for (boolean marker : new boolean[] {true, false}) {
                Path dataDir = damagedCopy(marker);
                truncate(lastSegment(dataDir), cut);
                int whole = wholeRecordsBefore(cut);
                reopenAndCheck(dataDir, whole, "cut at byte " + cut + (marker ? " with" : " without")
                        + " the clean-shutdown marker");
            }
        }
    }

    @Test
    void cutsZeroFilledTailLeftByPowerLoss() throws Exception {
        for (int zeros : new int[] {1, 11, 12, 38, 39, 40, 100, 4096}) {
            for (boolean marker : new boolean[] {true, false}) {
                Path dataDir = damagedCopy(marker);
                appendBytes(lastSegment(dataDir), new byte[zeros]);
                reopenAndCheck(dataDir, written.size(), zeros + " zero bytes at the tail"
                        + (marker ? " with" : " without") + " the clean-shutdown marker");
            }
        }
    }

    private Path damagedCopy(boolean keepMarker) {
        Path dataDir = tmp.resolve("case");
        deleteTree(dataDir);
        copyTree(pristine, dataDir);
        if (!keepMarker) {
            deleteCleanShutdownMarker(dataDir);
        }
        return dataDir;
    }

    private Path lastSegment(Path dataDir) {
        return partitionDir(dataDir, TOPIC, 0).resolve(lastSegmentName);
    }

    /** Records wholly in batches that end at or before {@code cut} of the last segment, plus all earlier segments. */
    private int wholeRecordsBefore(long cut) {
        long next = baseOffsetOf(lastSegmentName);
        for (BatchInfo batch : lastBatches) {
            if (batch.end() <= cut) {
                next = batch.nextOffset();
            }
        }
        return (int) next;
    }

    private void reopenAndCheck(Path dataDir, int whole, String context) {
        Rec after = new Rec(5_000_000L, bytes("after"), bytes("appended after recovery"), List.of());
        try (LogManager manager = LogManager.open(dataDir)) {
            PartitionLog log = manager.topic(TOPIC).partition(0);
            assertLogEquals(written.subList(0, whole), 0, log, context);
            assertEquals(whole, appendAndWait(log, after), context + ": offset of the next append");
            after.assertMatches(whole, log.read(whole, 100).records().get(0), context + ": appended record");
        }
        // The cut is on disk: the damaged segment now ends with its last whole batch.
        List<BatchInfo> kept = batches(lastSegment(dataDir));
        long keptEnd = kept.isEmpty() ? baseOffsetOf(lastSegmentName) : kept.get(kept.size() - 1).nextOffset();
        assertTrue(keptEnd == whole || keptEnd == whole + 1, context + ": segment on disk ends at offset " + keptEnd);
    }
}
