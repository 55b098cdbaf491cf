package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.FileIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link SegmentRecovery#recover} reports: nothing for a file of whole batches, and for a
 * damaged tail the file, the offset and byte where the valid batches end and how many bytes
 * follow, cut off or left in place as asked.
 */
class SegmentRecoveryTest {

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    private DamageFixture fixture;
    private int last;

    @BeforeEach
    void writeTwoSegments() {
        fixture = DamageFixture.write(tmp, 11, 2, 4);
        last = fixture.segmentCount() - 1;
    }

    @Test
    void reportsNothingForWholeBatches() throws IOException {
        Path dataDir = fixture.copy(true);
        Path file = fixture.segment(dataDir, last);
        long size = Files.size(file);
        assertEquals(Optional.empty(), recover(dataDir, true));
        assertEquals(size, Files.size(file));
    }

    @Test
    void reportsAndCutsTornTail() throws IOException {
        Path dataDir = fixture.copy(true);
        Path file = fixture.segment(dataDir, last);
        List<BatchInfo> batches = fixture.batches(last);
        BatchInfo lastWhole = batches.get(batches.size() - 2);
        truncate(file, batches.get(batches.size() - 1).end() - 5);
        long tornSize = Files.size(file);

        SegmentRecovery.InvalidTail tail = recover(dataDir, true).orElseThrow();

        assertEquals(file, tail.file());
        assertEquals(lastWhole.nextOffset(), tail.nextOffset());
        assertEquals(lastWhole.end(), tail.validEnd());
        assertEquals(tornSize, tail.fileSize());
        assertTrue(tail.cut());
        assertEquals(lastWhole.end(), Files.size(file), "the torn batch is cut off");
        assertTrue(tail.describe().startsWith("cut " + (tornSize - lastWhole.end()) + " bytes from " + file
                + " at offset " + lastWhole.nextOffset() + " at byte " + lastWhole.end() + ": "), tail.describe());
    }

    @Test
    void reportsWithoutCuttingWhenNotAskedTo() throws IOException {
        Path dataDir = fixture.copy(true);
        Path file = fixture.segment(dataDir, last);
        long whole = Files.size(file);
        appendBytes(file, new byte[100]);

        SegmentRecovery.InvalidTail tail = recover(dataDir, false).orElseThrow();

        assertFalse(tail.cut());
        assertEquals(whole, tail.validEnd());
        assertEquals(whole + 100, tail.fileSize());
        assertEquals(whole + 100, Files.size(file), "nothing is cut");
        assertTrue(tail.describe().startsWith("invalid data in " + file + " at offset "), tail.describe());
    }

    private Optional<SegmentRecovery.InvalidTail> recover(Path dataDir, boolean truncate) {
        Path dir = partitionDir(dataDir, DamageFixture.TOPIC, 0);
        LogSegment segment = LogSegment.open(FileIO.local(), dir, fixture.baseOffset(last), LogConfig.DEFAULTS, true);
        try {
            return SegmentRecovery.recover(segment, truncate);
        } finally {
            segment.close();
        }
    }
}
