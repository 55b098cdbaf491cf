package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A single flipped bit anywhere in a segment. In the active segment after an unclean shutdown,
 * recovery cuts the log at the damaged batch. In a sealed segment, a read across the damaged
 * batch fails with {@link CorruptRecordException} naming the file and byte position, and never
 * returns a record that differs from what was written. The log always opens.
 */
class BitFlipTest {

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    private DamageFixture fixture;

    @BeforeEach
    void writeThreeSegments() {
        fixture = DamageFixture.write(tmp, 11, 3, 5);
    }

    /** Every third byte with a bit that cycles, and every bit of one batch's header and first record length. */
    private List<long[]> flips(int segment) {
        List<BatchInfo> batches = fixture.batches(segment);
        long size = batches.get(batches.size() - 1).end();
        List<long[]> flips = new ArrayList<>();
        for (long position = 0; position < size; position += 3) {
            flips.add(new long[] {position, (position * 3) % 8});
        }
        BatchInfo middle = batches.get(batches.size() / 2);
        for (long position = middle.position(); position < middle.position() + RecordBatches.HEADER_SIZE + 4; position++) {
            for (int bit = 0; bit < 8; bit++) {
                flips.add(new long[] {position, bit});
            }
        }
        return flips;
    }

    @Test
    void recoveryCutsActiveSegmentAtFlippedBatch() {
        int last = fixture.segmentCount() - 1;
        for (long[] flip : flips(last)) {
            String context = "bit " + flip[1] + " of byte " + flip[0] + " in the active segment, unclean shutdown";
            Path dataDir = fixture.copy(false);
            flipBit(fixture.segment(dataDir, last), flip[0], (int) flip[1]);
            BatchInfo damaged = fixture.batchAt(last, flip[0]);
            int kept = (int) damaged.baseOffset();
            Rec after = new Rec(9_000_000L, null, bytes("after"), List.of());
            try (LogManager manager = LogManager.open(dataDir)) {
                PartitionLog log = manager.topic(DamageFixture.TOPIC).partition(0);
                assertLogEquals(fixture.written().subList(0, kept), 0, log, context);
                assertEquals(kept, appendAndWait(log, after), context + ": next append");
            }
        }
    }

    @Test
    void readAcrossFlippedBatchInSealedSegmentFailsNamingFileAndPosition() {
        int sealed = 0;
        boolean marker = true;
        for (long[] flip : flips(sealed)) {
            marker = !marker;
            String context = "bit " + flip[1] + " of byte " + flip[0] + " in a sealed segment, "
                    + (marker ? "clean" : "unclean") + " shutdown";
            Path dataDir = fixture.copy(marker);
            Path file = fixture.segment(dataDir, sealed);
            flipBit(file, flip[0], (int) flip[1]);
            BatchInfo damaged = fixture.batchAt(sealed, flip[0]);
            try (LogManager manager = LogManager.open(dataDir)) {
                PartitionLog log = manager.topic(DamageFixture.TOPIC).partition(0);
                assertEquals(fixture.written().size(), log.endOffset(), context + ": a sealed segment is not cut");
                CorruptRecordException e = readUntilCorrupt(log, context);
                assertEquals(file.toString(), e.file(), context);
                assertEquals(damaged.position(), e.position(), context + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("byte " + damaged.position()),
                        context + ": " + e.getMessage());
                assertThrows(CorruptRecordException.class, () -> log.read(damaged.baseOffset(), 1 << 20),
                        context + ": a read starting in the damaged batch");
                checkLookupsByTime(log, damaged, context);
                long next = fixture.baseOffset(1);
                assertLogEqualsFrom(log, next, context + ": the segments after the damaged one");
                long end = log.endOffset();
                assertEquals(end, appendAndWait(log, new Rec(9_000_000L, null, bytes("after"), List.of())), context);
            }
        }
    }

    /** Reads from offset 0 in small fetches until one fails; every record before must be what was written. */
    private CorruptRecordException readUntilCorrupt(PartitionLog log, String context) {
        long next = 0;
        PartitionLog.Fetch previous = null;
        while (next < log.endOffset()) {
            PartitionLog.Fetch fetch;
            try {
                fetch = log.read(next, 300, previous);
            } catch (CorruptRecordException e) {
                return e;
            }
            assertFalse(fetch.records().isEmpty(), context + ": no progress at offset " + next);
            for (ConsumerRecord r : fetch.records()) {
                assertEquals(next, r.offset(), context + ": records must follow each other");
                fixture.written().get((int) next).assertMatches(next, r, context);
                next++;
            }
            previous = fetch;
        }
        return fail(context + ": read the whole log without meeting the damaged batch");
    }

    private void assertLogEqualsFrom(PartitionLog log, long from, String context) {
        List<ConsumerRecord> records = readAll(log, from, 300);
        for (ConsumerRecord r : records) {
            fixture.written().get((int) r.offset()).assertMatches(r.offset(), r, context);
        }
        assertEquals(fixture.written().size() - from, records.size(), context);
    }

    /** A lookup by time either finds the right record or reports the damage; it never answers wrongly. */
    private void checkLookupsByTime(PartitionLog log, BatchInfo damaged, String context) {
        for (long offset = damaged.baseOffset(); offset < damaged.nextOffset(); offset++) {
            long timestamp = fixture.written().get((int) offset).timestamp();
            try {
                assertEquals(firstAtOrAfter(timestamp), log.offsetForTimestamp(timestamp),
                        context + ": lookup of time " + timestamp);
            } catch (CorruptRecordException expected) {
                // reported, not answered wrongly
            }
        }
    }

    private OffsetAndTimestamp firstAtOrAfter(long timestamp) {
        List<Rec> written = fixture.written();
        for (int i = 0; i < written.size(); i++) {
            if (written.get(i).timestamp() >= timestamp) {
                return new OffsetAndTimestamp(i, written.get(i).timestamp());
            }
        }
        return null;
    }
}
