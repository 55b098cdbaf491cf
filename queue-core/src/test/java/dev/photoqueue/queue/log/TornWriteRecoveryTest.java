package dev.photoqueue.queue.log;

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

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    private DamageFixture fixture;
    private int last;

    @BeforeEach
    void writeThreeSegments() {
        fixture = DamageFixture.write(tmp, 7, 3, 5);
        last = fixture.segmentCount() - 1;
    }

    @Test
    void truncatesTornTailToLastWholeBatch() {
        List<BatchInfo> batches = fixture.batches(last);
        long lastSize = batches.get(batches.size() - 1).end();
        for (long cut = 0; cut < lastSize; cut++) {
            for (boolean marker : new boolean[] {true, false}) {
                Path dataDir = fixture.copy(marker);
                truncate(fixture.segment(dataDir, last), cut);
                reopenAndCheck(dataDir, wholeRecordsBefore(batches, cut), "cut at byte " + cut
                        + (marker ? " with" : " without") + " the clean-shutdown marker");
            }
        }
    }

    @Test
    void cutsZeroFilledTailLeftByPowerLoss() {
        for (int zeros : new int[] {1, 11, 12, 38, 39, 40, 100, 4096}) {
            for (boolean marker : new boolean[] {true, false}) {
                Path dataDir = fixture.copy(marker);
                appendBytes(fixture.segment(dataDir, last), new byte[zeros]);
                reopenAndCheck(dataDir, fixture.written().size(), zeros + " zero bytes at the tail"
                        + (marker ? " with" : " without") + " the clean-shutdown marker");
            }
        }
    }

    /** Records of the batches that end at or before {@code cut} in the last segment, and of all earlier segments. */
    private int wholeRecordsBefore(List<BatchInfo> batches, long cut) {
        long next = fixture.baseOffset(last);
        for (BatchInfo batch : batches) {
            if (batch.end() <= cut) {
                next = batch.nextOffset();
            }
        }
        return (int) next;
    }

    private void reopenAndCheck(Path dataDir, int whole, String context) {
        Rec after = new Rec(5_000_000L, bytes("after"), bytes("appended after recovery"), List.of());
        try (LogManager manager = LogManager.open(dataDir)) {
            PartitionLog log = manager.topic(DamageFixture.TOPIC).partition(0);
            assertLogEquals(fixture.written().subList(0, whole), 0, log, context);
            assertEquals(whole, appendAndWait(log, after), context + ": offset of the next append");
            after.assertMatches(whole, log.read(whole, 100).records().get(0), context + ": appended record");
        }
        // The cut is on disk: the damaged segment ends with its last whole batch (or the new one).
        List<BatchInfo> kept = batches(fixture.segment(dataDir, last));
        long keptEnd = kept.isEmpty() ? fixture.baseOffset(last) : kept.get(kept.size() - 1).nextOffset();
        assertTrue(keptEnd == whole || keptEnd == whole + 1, context + ": segment on disk ends at offset " + keptEnd);
    }
}
