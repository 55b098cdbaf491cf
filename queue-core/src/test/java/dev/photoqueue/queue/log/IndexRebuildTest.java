package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Indexes are caches of the log file: a missing, emptied, zeroed or garbage {@code .index} or
 * {@code .timeindex} is rebuilt when the log opens, after a clean shutdown or not, and lookups by
 * offset and by time give the same answers as with the original files.
 */
class IndexRebuildTest {

    private enum Damage {
        MISSING, EMPTY, ZERO_FILLED, RANDOM_BYTES
    }

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    private DamageFixture fixture;

    @BeforeEach
    void writeThreeSegments() {
        fixture = DamageFixture.write(tmp, 3, 3, 5);
    }

    @Test
    void rebuildsDamagedIndexesOnOpenAndLookupsStayRight() throws IOException {
        Path pristineDir = fixture.copy(true);
        int last = fixture.segmentCount() - 1;
        Random random = new Random(5);
        for (int segment : new int[] {0, last}) {
            for (String suffix : new String[] {LogFiles.INDEX_SUFFIX, LogFiles.TIME_INDEX_SUFFIX}) {
                Path pristineIndex = indexFile(pristineDir, segment, suffix);
                byte[] original = Files.readAllBytes(pristineIndex);
                assertTrue(original.length > 0, pristineIndex + " should have entries for this test to mean anything");
                for (Damage damage : Damage.values()) {
                    for (int variant = 0; variant < (damage == Damage.RANDOM_BYTES ? 8 : 2); variant++) {
                        boolean marker = variant % 2 == 0;
                        String context = damage + " #" + variant + " " + pristineIndex.getFileName() + (segment == last ? " (active)" : " (sealed)")
                                + (marker ? ", clean" : ", unclean") + " shutdown";
                        Path dataDir = fixture.copy(marker);
                        Path index = indexFile(dataDir, segment, suffix);
                        damage(index, damage, original.length, random);
                        try (LogManager manager = LogManager.open(dataDir)) {
                            checkLookups(manager.topic(DamageFixture.TOPIC).partition(0), context);
                        }
                        assertArrayEquals(original, Files.readAllBytes(index), context + ": the rebuilt index");
                    }
                }
            }
        }
    }

    private Path indexFile(Path dataDir, int segment, String suffix) {
        Path log = fixture.segment(dataDir, segment);
        String name = log.getFileName().toString();
        return log.resolveSibling(name.substring(0, name.length() - LogFiles.LOG_SUFFIX.length()) + suffix);
    }

    private static void damage(Path index, Damage damage, int length, Random random) throws IOException {
        switch (damage) {
            case MISSING -> Files.delete(index);
            case EMPTY -> Files.write(index, new byte[0]);
            case ZERO_FILLED -> Files.write(index, new byte[length]);
            case RANDOM_BYTES -> {
                byte[] garbage = new byte[length];
                random.nextBytes(garbage);
                Files.write(index, garbage);
            }
        }
    }

    /** Every offset reads back its own record, and every lookup by time matches a search of what was written. */
    private void checkLookups(PartitionLog log, String context) {
        List<Rec> written = fixture.written();
        assertEquals(written.size(), log.endOffset(), context);
        for (int offset = 0; offset < written.size(); offset++) {
            ConsumerRecord first = log.read(offset, 1).records().get(0);
            written.get(offset).assertMatches(offset, first, context + ": read");
        }
        for (Rec rec : written) {
            for (long t : new long[] {rec.timestamp() - 1, rec.timestamp(), rec.timestamp() + 1}) {
                assertEquals(firstAtOrAfter(written, t), log.offsetForTimestamp(t), context + ": lookup of time " + t);
            }
        }
    }

    static OffsetAndTimestamp firstAtOrAfter(List<Rec> written, long timestamp) {
        for (int i = 0; i < written.size(); i++) {
            if (written.get(i).timestamp() >= timestamp) {
                return new OffsetAndTimestamp(i, written.get(i).timestamp());
            }
        }
        return null;
    }
}
