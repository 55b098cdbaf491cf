package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.FileIO;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Maps offsets to byte positions in the segment's log file, one entry every
 * {@code index.interval.bytes} or so. An entry is (int32 offset - baseOffset, int32 position) and
 * points at the start of the batch holding that offset. Lookups give the position to start a
 * forward scan from. See {@link AbstractIndex} for the file's life and thread rule.
 */
final class OffsetIndex extends AbstractIndex {

    static final int ENTRY_SIZE = 8;

    OffsetIndex(FileIO io, Path file, long baseOffset, int maxBytes, boolean writable) {
        super(io, file, baseOffset, ENTRY_SIZE, maxBytes, writable);
    }

    /** Adds an entry; offsets and positions must grow. Only the writer calls this. */
    void append(long offset, int position) {
        appendEntry(at -> {
            mmap.putInt(at, (int) (offset - baseOffset));
            mmap.putInt(at + 4, position);
        });
    }

    /** A batch that starts at {@code offset} and sits at byte {@code position} of the log file. */
    record Entry(long offset, int position) {
    }

    /** The byte position of the last indexed batch starting at or before {@code offset}; 0 when none. */
    int lookup(long offset) {
        return floorEntry(offset).position();
    }

    /**
     * The last indexed batch starting at or before {@code offset}, or the segment's first batch
     * (base offset, byte 0) when none is: where a forward scan starts and the offset it must find there.
     */
    Entry floorEntry(long offset) {
        ByteBuffer m = mmap;
        int n = entries();
        long target = offset - baseOffset;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (m.getInt(slot(mid)) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? new Entry(baseOffset, 0) : new Entry(baseOffset + m.getInt(slot(found)), m.getInt(slot(found) + 4));
    }

    long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset : baseOffset + mmap.getInt(slot(n - 1));
    }

    @Override
    boolean isConsistentWith(long logSize, long nextOffset) {
        ByteBuffer m = mmap;
        int n = entries();
        long previousOffset = -1;
        long previousPosition = -1;
        for (int i = 0; i < n; i++) {
            long relative = m.getInt(slot(i));
            long position = m.getInt(slot(i) + 4);
            if (relative <= previousOffset || position <= previousPosition || position >= logSize
                    || baseOffset + relative >= nextOffset) {
                return false;
            }
            previousOffset = relative;
            previousPosition = position;
        }
        return true;
    }
}
