package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.FileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Offset-to-position lookups of one segment's sparse index, and the checks that decide whether it is trusted. */
class OffsetIndexTest {

    private static final long BASE = 1000;

    @TempDir
    Path dir;

    private int files;

    private OffsetIndex indexWith(long... offsetsAndPositions) {
        OffsetIndex index = new OffsetIndex(FileIO.local(), dir.resolve(files++ + "-i.index"), BASE, 1024, true);
        for (int i = 0; i < offsetsAndPositions.length; i += 2) {
            index.append(offsetsAndPositions[i], (int) offsetsAndPositions[i + 1]);
        }
        return index;
    }

    @Test
    void looksUpLastEntryAtOrBeforeOffset() {
        OffsetIndex index = indexWith(1010, 400, 1020, 900, 1035, 1500);
        assertEquals(0, index.lookup(BASE), "before the first entry: the segment start");
        assertEquals(0, index.lookup(1009));
        assertEquals(400, index.lookup(1010));
        assertEquals(400, index.lookup(1019));
        assertEquals(900, index.lookup(1020));
        assertEquals(1500, index.lookup(1035));
        assertEquals(1500, index.lookup(5000), "past the last entry: the last entry");
        assertEquals(new OffsetIndex.Entry(BASE, 0), index.floorEntry(1005));
        assertEquals(new OffsetIndex.Entry(1020, 900), index.floorEntry(1034));
        assertEquals(1035, index.lastOffset());
    }

    @Test
    void emptyIndexSendsEveryLookupToSegmentStart() {
        OffsetIndex index = indexWith();
        assertEquals(0, index.entries());
        assertEquals(0, index.lookup(BASE + 77));
        assertEquals(BASE, index.lastOffset());
        assertTrue(index.isConsistentWith(0, BASE));
    }

    @Test
    void trimmedIndexReopensWithSameEntries() throws Exception {
        OffsetIndex index = indexWith(1010, 400, 1020, 900);
        index.trim();
        index.close();
        assertEquals(16, Files.size(dir.resolve("0-i.index")), "trimmed to its two entries");
        OffsetIndex reopened = new OffsetIndex(FileIO.local(), dir.resolve("0-i.index"), BASE, 1024, false);
        assertEquals(2, reopened.entries());
        assertEquals(900, reopened.lookup(1025));
        assertTrue(reopened.isFull(), "a sealed index takes no more entries");
    }

    @Test
    void partialTrailingEntryIsIgnored() throws Exception {
        OffsetIndex index = indexWith(1010, 400);
        index.trim();
        index.close();
        Files.write(dir.resolve("0-i.index"), new byte[] {0, 0, 0, 1, 0}, java.nio.file.StandardOpenOption.APPEND);
        OffsetIndex reopened = new OffsetIndex(FileIO.local(), dir.resolve("0-i.index"), BASE, 1024, false);
        assertEquals(1, reopened.entries());
        assertEquals(400, reopened.lookup(2000));
    }

    @Test
    void fullIndexSaysSo() {
        OffsetIndex index = new OffsetIndex(FileIO.local(), dir.resolve("small.index"), BASE, 16, true);
        index.append(1001, 10);
        assertFalse(index.isFull());
        index.append(1002, 20);
        assertTrue(index.isFull());
    }

    @Test
    void consistencyRejectsEntriesOutOfOrderOrPastTheLog() {
        assertTrue(indexWith(1010, 400, 1020, 900).isConsistentWith(1000, 1030));
        assertFalse(indexWith(1010, 400, 1020, 900).isConsistentWith(900, 1030), "position at the log's end");
        assertFalse(indexWith(1010, 400, 1020, 900).isConsistentWith(1000, 1020), "offset at the next offset");
        assertFalse(indexWith(1020, 400, 1010, 900).isConsistentWith(1000, 1030), "offsets going back");
        assertFalse(indexWith(1010, 900, 1020, 400).isConsistentWith(1000, 1030), "positions going back");
        assertFalse(indexWith(1010, 400, 1010, 900).isConsistentWith(1000, 1030), "a repeated offset");
    }
}
