package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.FileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Time-to-offset lookups of one segment's sparse time index, and its consistency checks. */
class TimeIndexTest {

    private static final long BASE = 500;

    @TempDir
    Path dir;

    private int files;

    private TimeIndex indexWith(long... timestampsAndOffsets) {
        TimeIndex index = new TimeIndex(FileIO.local(), dir.resolve(files++ + "-t.timeindex"), BASE, 1200, true);
        for (int i = 0; i < timestampsAndOffsets.length; i += 2) {
            index.maybeAppend(timestampsAndOffsets[i], timestampsAndOffsets[i + 1]);
        }
        return index;
    }

    @Test
    void keepsOnlyGrowingTimestamps() {
        TimeIndex index = indexWith(100, 505, 100, 510, 90, 515, 300, 520);
        assertEquals(2, index.entries(), "an entry is added only when the timestamp grows");
        assertEquals(300, index.lastTimestamp());
    }

    @Test
    void offsetBeforeGivesLastEntryStrictlyOlder() {
        TimeIndex index = indexWith(100, 505, 200, 510, 300, 520);
        assertEquals(-1, index.offsetBefore(50), "nothing older: scan from the segment start");
        assertEquals(-1, index.offsetBefore(100), "an entry at exactly the time does not rule its records out");
        assertEquals(505, index.offsetBefore(101));
        assertEquals(510, index.offsetBefore(300));
        assertEquals(520, index.offsetBefore(301));
        assertEquals(520, index.offsetBefore(Long.MAX_VALUE));
    }

    @Test
    void emptyIndexHasNoTimestamp() {
        TimeIndex index = indexWith();
        assertEquals(-1, index.lastTimestamp());
        assertEquals(-1, index.offsetBefore(1_000_000));
    }

    @Test
    void trimmedIndexReopensWithSameEntries() {
        TimeIndex index = indexWith(100, 505, 200, 510);
        index.trim();
        index.close();
        TimeIndex reopened = new TimeIndex(FileIO.local(), dir.resolve("0-t.timeindex"), BASE, 1200, false);
        assertEquals(2, reopened.entries());
        assertEquals(505, reopened.offsetBefore(150));
    }

    @Test
    void consistencyRejectsEntriesOutOfOrderOrPastTheLog() {
        assertTrue(indexWith(100, 505, 200, 510).isConsistentWith(1000, 511));
        assertFalse(indexWith(100, 505, 200, 510).isConsistentWith(1000, 510), "offset at the next offset");
        assertFalse(indexWith(100, 510, 200, 505).isConsistentWith(1000, 600), "offsets going back");
    }
}
