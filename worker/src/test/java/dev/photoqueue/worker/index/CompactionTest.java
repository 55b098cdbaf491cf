package dev.photoqueue.worker.index;

import dev.photoqueue.queue.testing.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The photo index rewrites a data file mostly of replaced records at a merge, keeps the newest
 * record of every key across it, leaves a file mostly live or small alone, and never loses or
 * mixes records when a crash stops a compaction at any step or readers run beside it.
 */
class CompactionTest {

    /** Keys each round puts again: 100 of about 4 KB, so nine rounds hold well over {@link Compaction#MIN_BYTES}. */
    private static final int KEYS = 100;
    private static final int VALUE_BYTES = 4_000;

    @TempDir
    Path tmp;

    /** A real file system that fills up; its runs stay mapped until the maps are collected, so it unmounts lazily. */
    @RegisterExtension
    static final SmallFileSystem disk = SmallFileSystem.ofBytes(16L << 20).unmountedLazily();

    private static byte[] value(String key, int round) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) '.');
        byte[] head = (key + "@" + round + "@").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, value, 0, head.length);
        return value;
    }

    private static int roundOf(byte[] value) {
        return Integer.parseInt(new String(value, StandardCharsets.UTF_8).split("@")[1]);
    }

    /** Puts every key again with the round's value, into the index and the model of what it should hold. */
    private static void putRound(PhotoIndex index, Map<String, byte[]> model, int round) {
        for (int k = 0; k < KEYS; k++) {
            String key = "photo-" + k;
            index.put(key, value(key, round));
            model.put(key, value(key, round));
        }
    }

    /** The bytes the model's records take in a data file: a header of 12 bytes, the key and the value each. */
    private static long liveBytes(Map<String, byte[]> model) {
        return model.entrySet().stream()
                .mapToLong(e -> 12 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length).sum();
    }

    private static List<String> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        }
    }

    private static void assertHolds(Map<String, byte[]> model, PhotoIndex index) {
        model.forEach((key, value) -> assertArrayEquals(value, index.get(key).orElseThrow(), key));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aDataFileMostlyOfReplacedRecordsIsRewrittenAtAMergeWithTheNewestRecordOfEachKey() throws IOException {
        Path dir = tmp.resolve("index");
        Map<String, byte[]> model = new HashMap<>();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            // the checkpoint of round MAX_RUNS merges MAX_RUNS + 1 runs: 900 records, 100 live, 3.6 MB
            for (int round = 0; round <= PhotoIndex.MAX_RUNS; round++) {
                putRound(index, model, round);
                index.checkpoint(("round " + round).getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(liveBytes(model), index.dataBytes(), "only the live records are left");
            assertEquals(List.of("records-0000000000000001.dat"), files(dir, "records"));
            assertEquals(1, files(dir, "run-").size(), files(dir, "run-").toString());
            assertHolds(model, index);

            // the next generation is written to and compacted in turn
            for (int round = PhotoIndex.MAX_RUNS + 1; round <= 2 * PhotoIndex.MAX_RUNS; round++) {
                putRound(index, model, round);
                index.checkpoint(("round " + round).getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(liveBytes(model), index.dataBytes());
            assertEquals(List.of("records-0000000000000002.dat"), files(dir, "records"));
            index.put("photo-new", value("photo-new", 99));
            model.put("photo-new", value("photo-new", 99));
            assertHolds(model, index);
            index.checkpoint(("round " + 99).getBytes(StandardCharsets.UTF_8));
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertEquals("round 99", text(reopened.meta().orElseThrow()));
            assertHolds(model, reopened);
            assertEquals(liveBytes(model), reopened.dataBytes());
        }
    }

    /**
     * The copy reads the data file forward in chunks of {@link RecordFile#COPY_CHUNK} bytes: live
     * records scattered over many chunks, of sizes that make some straddle a chunk's end, and one
     * record larger than a chunk, all come across whole, and nothing else does.
     */
    @Test
    void aCompactionCopiesLiveRecordsScatteredOverManyChunksAndOneLargerThanAChunk() throws IOException {
        Path dir = tmp.resolve("index");
        Map<String, byte[]> model = new HashMap<>();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            for (int round = 0; round <= PhotoIndex.MAX_RUNS; round++) {
                for (int k = 0; k < 40; k++) {
                    String key = "photo-" + round + "-" + k; // stays live: a new key each
                    byte[] value = Arrays.copyOf(value(key, round), 7_001 + 13 * k + 101 * round);
                    index.put(key, value);
                    model.put(key, value);
                    for (int again = 0; again < 5; again++) { // replaced soon: garbage between the live ones
                        String hot = "hot-" + k % 10;
                        byte[] hotValue = value(hot, round * 100 + k * 5 + again);
                        index.put(hot, hotValue);
                        model.put(hot, hotValue);
                    }
                }
                if (round == 3) {
                    byte[] large = Arrays.copyOf(value("large", round), RecordFile.COPY_CHUNK + 12_345);
                    index.put("large", large);
                    model.put("large", large);
                }
                index.checkpoint(("round " + round).getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(List.of("records-0000000000000001.dat"), files(dir, "records"), "the data file was rewritten");
            assertTrue(index.dataBytes() > 3L * RecordFile.COPY_CHUNK, "the live records fill several chunks: "
                    + index.dataBytes());
            assertEquals(liveBytes(model), index.dataBytes(), "only the live records are left");
            assertHolds(model, index);
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertHolds(model, reopened);
        }
    }

    @Test
    void aDataFileIsLeftAsItIsWhileMostOfItIsLiveOrItIsSmall() throws IOException {
        Path mostlyLive = tmp.resolve("mostly-live");
        try (PhotoIndex index = PhotoIndex.open(mostlyLive)) {
            for (int round = 0; round <= PhotoIndex.MAX_RUNS; round++) {
                for (int k = 0; k < KEYS; k++) { // new keys every round: nothing is replaced
                    index.put("photo-" + round + "-" + k, value("photo-" + round + "-" + k, round));
                }
                index.checkpoint(new byte[] {1});
            }
            assertTrue(index.dataBytes() >= Compaction.MIN_BYTES, index.dataBytes() + " bytes");
        }
        assertEquals(List.of(PhotoIndex.DATA), files(mostlyLive, "records"));

        Path small = tmp.resolve("small");
        try (PhotoIndex index = PhotoIndex.open(small)) {
            for (int round = 0; round <= 3 * PhotoIndex.MAX_RUNS; round++) {
                index.put("photo", ("v" + round).getBytes(StandardCharsets.UTF_8)); // all but one replaced
                index.checkpoint(new byte[] {1});
            }
            assertEquals(3 * PhotoIndex.MAX_RUNS + 1, index.dataBytes() / (12 + "photo".length() + 2),
                    "every record is still there");
        }
        assertEquals(List.of(PhotoIndex.DATA), files(small, "records"));
    }

    /**
     * A compaction writes the next data file and its run, then replaces the checkpoint, then
     * deletes the old files. Each folder a crash can leave is built here from the folders before
     * and after, and opens as the checkpoint it holds: the old one with its records, or the new.
     */
    @Test
    void aCrashAtAnyStepOfACompactionOpensAsTheOldOrTheNewCheckpoint() throws IOException {
        Path dir = tmp.resolve("index");
        Path before = tmp.resolve("before");
        Map<String, byte[]> model = new HashMap<>();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            for (int round = 0; round < PhotoIndex.MAX_RUNS; round++) {
                putRound(index, model, round);
                index.checkpoint(("round " + round).getBytes(StandardCharsets.UTF_8));
            }
        }
        Map<String, byte[]> modelBefore = new HashMap<>(model);
        copyFolder(dir, before);
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            putRound(index, model, PhotoIndex.MAX_RUNS);
            index.checkpoint(("round " + PhotoIndex.MAX_RUNS).getBytes(StandardCharsets.UTF_8));
        }
        Path compacted = dir.resolve("records-0000000000000001.dat");
        long compactedBytes = Files.size(compacted);
        assertEquals(liveBytes(model), compactedBytes, "the round compacted");
        String newRun = files(dir, "run-").get(0);

        // before the new checkpoint: the new data file cut anywhere (or whole), with or without its run
        for (long cut : new long[] {0, compactedBytes / 3, compactedBytes}) {
            for (boolean withRun : new boolean[] {false, true}) {
                Path crashed = tmp.resolve("crashed-" + cut + "-" + withRun);
                copyFolder(before, crashed);
                copyCut(compacted, crashed.resolve(compacted.getFileName()), cut);
                if (withRun) {
                    Files.copy(dir.resolve(newRun), crashed.resolve(newRun));
                }
                try (PhotoIndex reopened = PhotoIndex.open(crashed)) {
                    String what = "cut at " + cut + (withRun ? " with its run" : "");
                    assertEquals("round " + (PhotoIndex.MAX_RUNS - 1), text(reopened.meta().orElseThrow()), what);
                    assertHolds(modelBefore, reopened);
                }
                assertEquals(List.of(PhotoIndex.DATA), files(crashed, "records"), "the unpublished copy is deleted");
                assertEquals(files(before, "run-"), files(crashed, "run-"));
            }
        }

        // after the new checkpoint, before the old data file and runs are deleted
        Path crashed = tmp.resolve("crashed-after");
        copyFolder(dir, crashed);
        for (String old : files(before, "")) {
            if (!Files.exists(crashed.resolve(old))) {
                Files.copy(before.resolve(old), crashed.resolve(old));
            }
        }
        try (PhotoIndex reopened = PhotoIndex.open(crashed)) {
            assertEquals("round " + PhotoIndex.MAX_RUNS, text(reopened.meta().orElseThrow()));
            assertHolds(model, reopened);
        }
        assertEquals(List.of(compacted.getFileName().toString()), files(crashed, "records"));
        assertEquals(List.of(newRun), files(crashed, "run-"));
    }

    @Test
    void aCompactionThatFindsTheDiskFullLeavesTheDataFileAndTheCheckpointStillPublishes() throws IOException {
        Path dir = disk.mountPoint().resolve("index");
        Path filler = disk.mountPoint().resolve("filler");
        Map<String, byte[]> model = new HashMap<>();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            for (int round = 0; round < PhotoIndex.MAX_RUNS; round++) {
                putRound(index, model, round);
                index.checkpoint(("round " + round).getBytes(StandardCharsets.UTF_8));
            }
            putRound(index, model, PhotoIndex.MAX_RUNS);
            // room for the write buffer still to be written, the two runs and the checkpoint, not for the live records
            long leave = PhotoIndex.WRITE_BUFFER + (64 << 10);
            assertTrue(leave < liveBytes(model), "the copy cannot fit");
            fill(filler, Files.getFileStore(dir).getUsableSpace() - leave);
            index.checkpoint(("round " + PhotoIndex.MAX_RUNS).getBytes(StandardCharsets.UTF_8));
            assertEquals(List.of(PhotoIndex.DATA), files(dir, "records"), "the partial copy is deleted");
            assertHolds(model, index);

            Files.delete(filler); // room again: the next merge compacts
            for (int round = PhotoIndex.MAX_RUNS + 1; round <= 2 * PhotoIndex.MAX_RUNS; round++) {
                putRound(index, model, round);
                index.checkpoint(("round " + round).getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(List.of("records-0000000000000001.dat"), files(dir, "records"));
            assertEquals(liveBytes(model), index.dataBytes());
        }
        try (PhotoIndex reopened = PhotoIndex.open(dir)) {
            assertEquals("round " + 2 * PhotoIndex.MAX_RUNS, text(reopened.meta().orElseThrow()));
            assertHolds(model, reopened);
        }
    }

    /** Writes {@code bytes} bytes to {@code file}, taking that much of its file system. */
    private static void fill(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long left = bytes; left > 0; left -= chunk.limit()) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        }
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String name : files(from, "")) {
            Files.copy(from.resolve(name), to.resolve(name));
        }
    }

    private static void copyCut(Path from, Path to, long bytes) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < bytes) {
                done += in.transferTo(done, bytes - done, out);
            }
        }
    }

    /**
     * Readers on other threads look up every key while rounds of puts compact the data file again
     * and again: each finds every key, with its own record, and never an older round than it saw.
     */
    @Test
    void readersOnOtherThreadsFindEveryKeyWhileCompactionsReplaceTheDataFile() throws Exception {
        int compactions = 20;
        Path dir = tmp.resolve("index");
        Map<String, byte[]> model = new HashMap<>();
        List<String> failures = new ArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        try (PhotoIndex index = PhotoIndex.open(dir)) {
            putRound(index, model, 0);
            index.checkpoint(new byte[] {0});
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                Thread reader = new Thread(() -> {
                    Map<String, Integer> seen = new ConcurrentHashMap<>();
                    while (writing.get()) {
                        for (int k = 0; k < KEYS && writing.get(); k++) {
                            String key = "photo-" + k;
                            try {
                                byte[] value = index.get(key).orElse(null);
                                reads.incrementAndGet();
                                if (value == null || !text(value).startsWith(key + "@")) {
                                    throw new AssertionError(key + " read as "
                                            + (value == null ? "missing" : text(value).substring(0, 20)));
                                }
                                int round = roundOf(value);
                                Integer last = seen.put(key, round);
                                if (last != null && last > round) {
                                    throw new AssertionError(key + " read round " + round + " after " + last);
                                }
                            } catch (AssertionError | UncheckedIOException e) {
                                synchronized (failures) {
                                    failures.add(e.toString());
                                }
                                return;
                            }
                        }
                    }
                }, "index-reader-" + r);
                reader.start();
                readers.add(reader);
            }
            try {
                // a compaction every MAX_RUNS rounds: enough that, without the retry of a read whose data
                // file was closed under it, some read fails on most runs of this test
                for (int round = 1; round <= compactions * PhotoIndex.MAX_RUNS; round++) {
                    putRound(index, model, round);
                    index.checkpoint(new byte[] {(byte) round});
                }
            } finally {
                writing.set(false);
                for (Thread reader : readers) {
                    reader.join();
                }
            }
            assertEquals(List.of(), failures);
            assertTrue(reads.get() > 0, "the readers read");
            assertEquals(List.of(String.format("records-%016d.dat", compactions)), files(dir, "records"));
            assertHolds(model, index);
        }
    }
}
