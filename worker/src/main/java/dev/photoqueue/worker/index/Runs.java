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
        try (Writer out = new Writer(dir, number)) {
            for (int i = 0; i < pairs.length; i += 2) {
                out.add(pairs[i], pairs[i + 1]);
            }
            return out.publish();
        }
    }

    /**
     * Writes one run entry by entry, in hash order, through a buffer into a temp file; {@link
     * #publish} forces it, renames it to its name and maps it. Closed unpublished, it deletes the
     * temp file.
     */
    static final class Writer implements AutoCloseable {
        private final Path file;
        private final Path temp;
        private final long number;
        private final FileChannel out;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        private long entries;
        private boolean published;

        Writer(Path dir, long number) throws IOException {
            this.file = file(dir, number);
            this.temp = file.resolveSibling(file.getFileName() + ".tmp");
            this.number = number;
            this.out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }

        void add(long hash, long offset) throws IOException {
            if (buffer.remaining() < Run.ENTRY) {
                drain();
            }
            buffer.putLong(hash).putLong(offset);
            entries++;
        }

        Run publish() throws IOException {
            drain();
            out.force(true);
            out.close();
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            published = true;
            ByteBuffer map = map(file, entries);
            return new Run(number, entries, crc(map), map);
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            if (!published) {
                out.close();
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Merges the runs (newest first) into one, streaming: for each hash the newest entry of each
     * key wins; entries of one hash from different runs are told apart by reading their keys.
     */
    static Run merge(Path dir, long number, List<Run> newestFirst, RecordFile records) throws IOException {
        long[] cursor = new long[newestFirst.size()];
        try (Writer out = new Writer(dir, number)) {
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
                        String key = records.recordAt(offset).key();
                        if (keys.contains(key)) {
                            continue;
                        }
                        keys.add(key);
                    }
                    out.add(min, offset);
                }
            }
            return out.publish();
        }
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
