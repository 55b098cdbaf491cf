package dev.photoqueue.worker.index;

import dev.photoqueue.worker.index.Runs.Run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Rewrites the data file with only the records the runs name: the newest of each key. A key put
 * again leaves its old record behind (the status view puts every photo again at each replay), so
 * without this the data file would grow with the puts, not with the keys.
 *
 * <p>When: at a checkpoint whose runs were just merged into one, so that the live records are
 * exactly that run's entries, and only if the data file holds more than {@value #GARBAGE_RATIO}
 * records for each live one and at least {@value #MIN_BYTES} bytes: below that, the copy costs more
 * than the space it frees. The data file then stays within about {@value #GARBAGE_RATIO} times its
 * live records, plus what the runs not yet merged name.
 *
 * <p>How: the live records are copied, in the order they stand in the data file (read forward in
 * large chunks), into the data file of the next generation, which is forced, and their new offsets
 * written as a new run, in its (hash) order. Costs 16 bytes of heap a live record while it runs
 * (their old offsets sorted, and the new ones): 16 MB for a million photos. Nothing is published
 * here: the caller's checkpoint names the new generation, and until it is replaced a reopen sees
 * the old data file and runs (files a checkpoint does not name are deleted on open).
 */
final class Compaction {

    static final int GARBAGE_RATIO = 2;
    static final long MIN_BYTES = 1 << 20;

    /** The records and run of a compacted generation, forced but not yet published. */
    record Compacted(RecordFile records, Run run) {
    }

    private Compaction() {
    }

    /** True when the data file {@code records}, whose live records {@code live} names, should be rewritten. */
    static boolean due(RecordFile records, Run live) {
        return records.length() >= MIN_BYTES && records.count() > GARBAGE_RATIO * live.entries();
    }

    /**
     * Copies the records {@code live} names from {@code from} into the data file of
     * {@code generation} in {@code dir}, with run {@code runNumber} for their new offsets. On a
     * failure the new files are deleted and {@code from} is untouched.
     */
    static Compacted copyLive(Path dir, long generation, long runNumber, Run live, RecordFile from)
            throws IOException {
        Path file = RecordFile.path(dir, generation);
        RecordFile to = RecordFile.open(file, 0, 0); // cuts a copy a crash left unpublished
        try (Runs.Writer run = new Runs.Writer(dir, runNumber)) {
            long[] sorted = new long[Math.toIntExact(live.entries())];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = live.offset(i);
            }
            Arrays.sort(sorted); // distinct: each live entry names another key's record
            long[] copiedAt = new long[sorted.length];
            from.copyTo(to, sorted, copiedAt);
            for (int i = 0; i < sorted.length; i++) {
                run.add(live.hash(i), copiedAt[Arrays.binarySearch(sorted, live.offset(i))]);
            }
            to.force();
            return new Compacted(to, run.publish());
        } catch (IOException | RuntimeException e) {
            to.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }
}
