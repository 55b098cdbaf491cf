package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.FileIO;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Maps time to offsets for lookups by timestamp. An entry (int64 timestamp T, int32 offset O -
 * baseOffset) promises that every record at or before offset O has a timestamp of at most T;
 * entries are added only when T grows, so both columns are sorted. To find the first record at or
 * after time t, scanning may start right after the last entry with T &lt; t.
 * See {@link AbstractIndex} for the file's life and thread rule.
 */
final class TimeIndex extends AbstractIndex {

    static final int ENTRY_SIZE = 12;

    TimeIndex(FileIO io, Path file, long baseOffset, int maxBytes, boolean writable) {
        super(io, file, baseOffset, ENTRY_SIZE, maxBytes, writable);
    }

    /** Adds (timestamp, offset) when {@code timestamp} is above the last entry's. Only the writer calls this. */
    void maybeAppend(long timestamp, long offset) {
        if (entries() > 0 && timestamp <= lastTimestamp()) {
            return;
        }
        appendEntry(at -> {
            mmap.putLong(at, timestamp);
            mmap.putInt(at + 8, (int) (offset - baseOffset));
        });
    }

    /** The largest timestamp indexed, or -1 for an empty index. */
    long lastTimestamp() {
        int n = entries();
        return n == 0 ? -1 : mmap.getLong(slot(n - 1));
    }

    /**
     * The offset after which a scan for the first record with timestamp >= {@code timestamp} can
     * start: the offset of the last entry whose timestamp is below it, or -1 to scan from the segment's start.
     */
    long offsetBefore(long timestamp) {
        ByteBuffer m = mmap;
        int lo = 0;
        int hi = entries() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (m.getLong(slot(mid)) < timestamp) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : baseOffset + m.getInt(slot(found) + 8);
    }

    @Override
    boolean isConsistentWith(long logSize, long nextOffset) {
        ByteBuffer m = mmap;
        int n = entries();
        long previousTimestamp = Long.MIN_VALUE;
        long previousOffset = -1;
        for (int i = 0; i < n; i++) {
            long timestamp = m.getLong(slot(i));
            long relative = m.getInt(slot(i) + 8);
            if (timestamp <= previousTimestamp || relative < previousOffset || baseOffset + relative >= nextOffset) {
                return false;
            }
            previousTimestamp = timestamp;
            previousOffset = relative;
        }
        return true;
    }
}
