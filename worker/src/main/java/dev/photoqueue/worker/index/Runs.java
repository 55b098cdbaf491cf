package dev.photoqueue.worker.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The index's sorted runs, {@code run-N.idx}: {@code [hash long][record offset long]} pairs
 * sorted by hash, written whole (temp file, force, rename) and immutable once published, read
 * through memory maps. Stateless.
 */
final class Runs {

    private Runs() {
    }

    /** A sorted run, mapped read-only. */
    record Run(long number, long entries, long crc, ByteBuffer map) {
        static final int ENTRY = 16;

        long hash(long i) {
            return map.getLong((int) (i * ENTRY));
        }

        long offset(long i) {
            return map.getLong((int) (i * ENTRY + 8));
        }
    }

    /** Sorts (hash, offset) pairs by hash. */
    static void sortPairs(long[] pairs, int count) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(pairs[2 * a], pairs[2 * b]));
        long[] copy = pairs.clone();
        for (int i = 0; i < count; i++) {
            pairs[2 * i] = copy[2 * order[i]];
            pairs[2 * i + 1] = copy[2 * order[i] + 1];
        }
    }

    /** Writes {@code pairs} (sorted) as run {@code number} in {@code dir}. */
    static Run write(Path dir, long number, long[] pairs) throws IOException {
        Path file = file(dir, number);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer buffer = ByteBuffer.allocate(pairs.length * 8);
        buffer.asLongBuffer().put(pairs);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        long entries = pairs.length / 2;
        ByteBuffer map = map(file, entries);
        return new Run(number, entries, crc(map), map);
    }

    /**
     * Merges the runs (newest first) into one, streaming: for each hash the newest entry of each
     * key wins; entries of one hash from different runs are told apart by reading their keys.
     */
    static Run merge(Path dir, long number, List<Run> newestFirst, RecordFile records) throws IOException {
        Path file = file(dir, number);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        long[] cursor = new long[newestFirst.size()];
        long written = 0;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            List<String> keys = new ArrayList<>();
            while (true) {
                long min = Long.MAX_VALUE;
                boolean any = false;
                for (int r = 0; r < cursor.length; r++) {
                    Run run = newestFirst.get(r);
                    if (cursor[r] < run.entries() && (!any || run.hash(cursor[r]) < min)) {
                        min = run.hash(cursor[r]);
                        any = true;
                    }
                }
                if (!any) {
                    break;
                }
                keys.clear();
                List<Long> offsets = new ArrayList<>();
                for (int r = 0; r < cursor.length; r++) { // newest run first: its entry of a key wins
                    Run run = newestFirst.get(r);
                    while (cursor[r] < run.entries() && run.hash(cursor[r]) == min) {
                        offsets.add(run.offset(cursor[r]));
                        cursor[r]++;
                    }
                }
                for (long offset : offsets) {
                    if (offsets.size() > 1) { // a collision or an older copy: keep the newest of each key
                        String key = records.keyAt(offset);
                        if (keys.contains(key)) {
                            continue;
                        }
                        keys.add(key);
                    }
                    if (buffer.remaining() < Run.ENTRY) {
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            out.write(buffer);
                        }
                        buffer.clear();
                    }
                    buffer.putLong(min).putLong(offset);
                    written++;
                }
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        ByteBuffer map = map(file, written);
        return new Run(number, written, crc(map), map);
    }

    static long firstAtOrAfter(Run run, long hash) {
        long lo = 0;
        long hi = run.entries();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (run.hash(mid) < hash) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static Path file(Path dir, long number) {
        return dir.resolve(String.format("run-%016d.idx", number));
    }

    static ByteBuffer map(Path file, long entries) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, entries * Run.ENTRY);
        }
    }

    static long crc(ByteBuffer map) {
        CRC32C crc = new CRC32C();
        crc.update(map.duplicate().clear());
        return crc.getValue();
    }
}
