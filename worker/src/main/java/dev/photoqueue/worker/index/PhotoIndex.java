package dev.photoqueue.worker.index;

import dev.photoqueue.worker.index.Runs.Run;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * A small storage engine for photo records by photo id, in one folder: an append-only data file
 * of records and an index of sorted runs, published by a checkpoint. It is a cache of the queue's
 * log, which stays the truth: whatever is missing or damaged here is thrown away and rebuilt by
 * reading the log again.
 *
 * <pre>
 * records.dat     [length int][crc32c int][key length int][key UTF-8][value]   appended, never changed
 *                 (records-N.dat after the Nth compaction)
 * run-N.idx       [hash long][record offset long] ...  sorted by hash; immutable once published
 * checkpoint      the data file's generation, its published length, the runs, the caller's meta
 *                 ({@link Checkpoint})                                          replaced atomically
 * </pre>
 *
 * <p>Guarantees. {@link #put} appends a record ({@link RecordFile}: gathered in a write buffer,
 * written in large writes) and remembers its offset in a memory table, where
 * {@link #get} finds it at once. {@link #checkpoint} makes everything put so far durable: it
 * forces the data file, writes the memory table as a new sorted run (temp file, force, rename),
 * then the checkpoint (temp file, force, rename, force the folder), and only then forgets the
 * memory table. A crash anywhere (kill -9, power loss) leaves the old or the new checkpoint; on
 * {@link #open}, data past the checkpoint's length is cut and run and data files it does not name
 * are deleted, so what is seen is exactly what the checkpoint covers, with its {@link #meta} (the
 * caller's log positions). A missing or damaged checkpoint, run or data file opens an empty index
 * ({@link #recovered} false).
 *
 * <p>Memory: per record none, except the memory table of records put since the last checkpoint;
 * runs are read through memory maps (outside the Java heap). A lookup binary-searches each run
 * (newest first) for the key's 64-bit hash and reads the record to compare the key, so hash
 * collisions cost a read, never a wrong answer. More than {@value #MAX_RUNS} runs are merged into
 * one at a checkpoint. Disk: records replaced by a later put stay in the data file until a merge
 * finds it mostly replaced; then the live records are copied into a new data file
 * ({@link Compaction}), published by the same checkpoint, and the old file is deleted.
 *
 * <p>Thread-safety: one writer thread calls {@link #put}, {@link #checkpoint} and {@link #clear};
 * {@link #get} may be called from any thread at the same time, also while a compaction replaces
 * the data file (it then reads the new one).
 */
public final class PhotoIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoIndex.class);
    /** The data file of generation 0. */
    static final String DATA = "records.dat";
    static final String CHECKPOINT = "checkpoint";
    static final int MAX_RUNS = 8;
    /** The write buffer's size: records put are written to the data file in writes of about this. */
    static final int WRITE_BUFFER = 256 * 1024;

    /**
     * What a lookup reads, replaced whole: a data file, the runs that name its records (newest
     * first) and the memory table of the records put since they were written.
     */
    private record Snapshot(long generation, RecordFile records, List<Run> runs, Map<String, Long> memtable) {
    }

    private final Path dir;
    private volatile Snapshot snapshot;
    private long nextRun;
    private byte[] meta;
    private final boolean recovered;

    private PhotoIndex(Path dir, Snapshot snapshot, byte[] meta, boolean recovered) {
        this.dir = dir;
        this.snapshot = snapshot;
        this.meta = meta;
        this.recovered = recovered;
        this.nextRun = snapshot.runs().stream().mapToLong(Run::number).max().orElse(0) + 1;
    }

    /**
     * Opens the index in {@code dir} (created if missing) as its last checkpoint left it; an index
     * whose checkpoint, runs or data do not check out is emptied, with a log line saying why.
     */
    public static PhotoIndex open(Path dir) {
        try {
            Files.createDirectories(dir);
            Path checkpoint = dir.resolve(CHECKPOINT);
            if (Files.exists(checkpoint)) {
                try {
                    return load(dir, Checkpoint.decode(Files.readAllBytes(checkpoint), checkpoint));
                } catch (DamagedIndexException e) {
                    LOG.warn("photo index {}: {}; starting empty, to be rebuilt from the log", dir, e.getMessage());
                }
            }
            RecordFile records = RecordFile.open(RecordFile.path(dir, 0), 0, 0);
            PhotoIndex empty = new PhotoIndex(dir, new Snapshot(0, records, List.of(), new ConcurrentHashMap<>()),
                    null, false);
            try {
                empty.reset();
            } catch (IOException | RuntimeException e) {
                empty.close();
                throw e;
            }
            return empty;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the photo index in " + dir, e);
        }
    }

    private static PhotoIndex load(Path dir, Checkpoint checkpoint) throws IOException, DamagedIndexException {
        Path data = RecordFile.path(dir, checkpoint.generation());
        long size = Files.exists(data) ? Files.size(data) : -1;
        if (size < checkpoint.dataLength()) {
            throw new DamagedIndexException(data + (size < 0 ? " is missing" : " has " + size + " bytes")
                    + ", the checkpoint covers " + checkpoint.dataLength());
        }
        List<Run> runs = new ArrayList<>();
        for (Checkpoint.RunName name : checkpoint.runs()) {
            Path file = Runs.file(dir, name.number());
            long bytes = name.entries() * Run.ENTRY;
            if (!Files.exists(file) || Files.size(file) != bytes) {
                throw new DamagedIndexException("run " + file + " is missing or not " + bytes + " bytes");
            }
            ByteBuffer map = Runs.map(file, name.entries());
            if (Runs.crc(map) != name.crc()) {
                throw new DamagedIndexException("run " + file + " fails its CRC");
            }
            runs.add(new Run(name.number(), name.entries(), name.crc(), map));
        }
        // records past the checkpoint were never published: cut
        RecordFile records = RecordFile.open(data, checkpoint.dataLength(), checkpoint.records());
        boolean published = checkpoint.meta().length > 0; // an emptied index has a checkpoint with no meta
        PhotoIndex index = new PhotoIndex(dir, new Snapshot(checkpoint.generation(), records, List.copyOf(runs),
                new ConcurrentHashMap<>()), published ? checkpoint.meta() : null, published);
        try {
            index.deleteUnnamedFiles();
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
        return index;
    }

    /** True when the index was opened from a checkpoint with meta; false when it started empty. */
    public boolean recovered() {
        return recovered;
    }

    /** What the caller gave the last checkpoint (its log positions), or empty for an empty index. */
    public Optional<byte[]> meta() {
        return Optional.ofNullable(meta).map(byte[]::clone);
    }

    /** Records put since the last checkpoint (the memory table's size). */
    public int pending() {
        return snapshot.memtable().size();
    }

    /** The bytes the data file holds, published or not. */
    public long dataBytes() {
        return snapshot.records().length();
    }

    /** The latest value put under {@code key}, or empty. Any thread. */
    public Optional<byte[]> get(String key) {
        Snapshot reading = snapshot;
        while (true) {
            try {
                Long at = reading.memtable().get(key);
                if (at != null) {
                    return Optional.of(reading.records().valueAt(at, key));
                }
                // a memory table is emptied only after the runs that hold its entries are published
                reading = snapshot;
                return find(reading, key);
            } catch (UncheckedIOException e) {
                if (snapshot == reading) {
                    throw e;
                }
                reading = snapshot; // a compaction closed the data file under this read: read the new one
            }
        }
    }

    private static Optional<byte[]> find(Snapshot snapshot, String key) {
        long hash = hash(key);
        for (Run run : snapshot.runs()) {
            for (long i = Runs.firstAtOrAfter(run, hash); i < run.entries() && run.hash(i) == hash; i++) {
                byte[] value = snapshot.records().readIfKey(run.offset(i), key);
                if (value != null) {
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Stores {@code value} under {@code key}, replacing what was there; durable at the next
     * checkpoint. Records are gathered in a write buffer and written to the data file when it is
     * full or at the checkpoint (one write for many records; {@link #get} reads a buffered record
     * from the buffer).
     */
    public void put(String key, byte[] value) {
        Snapshot now = snapshot;
        long at = now.records().append(key, value);
        now.memtable().put(key, at); // published after the record is readable: a reader finds a whole record
    }

    /**
     * Makes every record put so far durable and publishes it with {@code meta} (the log positions
     * the records cover): forces the data, writes the memory table as a run (merging the runs when
     * there are too many, and compacting the data file when a merge finds it mostly replaced),
     * then replaces the checkpoint.
     */
    public void checkpoint(byte[] meta) {
        try {
            Snapshot now = snapshot;
            now.records().force();
            List<Run> next = new ArrayList<>(now.runs());
            if (!now.memtable().isEmpty()) {
                next.add(0, Runs.write(dir, nextRun++, memtableEntries(now.memtable())));
            }
            List<Run> written = new ArrayList<>(next); // every run file there is now
            Snapshot published = new Snapshot(now.generation(), now.records(), List.copyOf(next), now.memtable());
            if (next.size() > MAX_RUNS) {
                Run merged = Runs.merge(dir, nextRun++, next, now.records());
                written.add(merged);
                published = new Snapshot(now.generation(), now.records(), List.of(merged), now.memtable());
                if (Compaction.due(now.records(), merged)) {
                    published = compacted(published);
                }
            }
            publish(published, meta);
            this.meta = meta.clone();
            now.memtable().clear(); // after the runs that hold its entries are published
            if (published.records() != now.records()) {
                now.records().close(); // a read of it still running finishes; a later one reads the new file
                Files.deleteIfExists(now.records().file());
            }
            for (Run old : written) {
                if (!published.runs().contains(old)) {
                    Files.deleteIfExists(Runs.file(dir, old.number()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint of the photo index in " + dir, e);
        }
    }

    /**
     * The snapshot with its live records copied into the next generation's data file, or the
     * snapshot itself when the copy fails (a full disk): the copy saves space and is tried again
     * at a later merge.
     */
    private Snapshot compacted(Snapshot merged) {
        Run live = merged.runs().get(0);
        try {
            Compaction.Compacted copy = Compaction.copyLive(dir, merged.generation() + 1, nextRun++, live,
                    merged.records());
            LOG.info("photo index {}: compacted {} records in {} bytes to the {} live in {} bytes", dir,
                    merged.records().count(), merged.records().length(), live.entries(), copy.records().length());
            return new Snapshot(merged.generation() + 1, copy.records(), List.of(copy.run()), new ConcurrentHashMap<>());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("photo index {}: compacting the data file failed, keeping it as it is: {}", dir, e.toString());
            return merged;
        }
    }

    /**
     * Durably replaces the checkpoint with one of {@code next} and {@code meta}, then makes
     * {@code next} what lookups read. When the checkpoint cannot be written, a compacted data file
     * {@code next} brings is closed and deleted, and lookups read what they read before.
     */
    private void publish(Snapshot next, byte[] meta) throws IOException {
        try {
            Checkpoint.of(next.generation(), next.records(), next.runs(), meta).writeTo(dir);
        } catch (IOException | RuntimeException e) {
            if (next.records() != snapshot.records()) {
                next.records().close();
                Files.deleteIfExists(next.records().file());
            }
            throw e;
        }
        snapshot = next;
    }

    /** Forgets everything: an empty data file, no runs, a checkpoint with no meta. */
    public void clear() {
        try {
            reset();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the photo index in " + dir, e);
        }
    }

    private void reset() throws IOException {
        // the empty state is published first and covers no data: a stop before the files below are
        // gone opens as this empty index, and records put after it are unpublished until a checkpoint
        Snapshot before = snapshot;
        Snapshot empty = new Snapshot(before.generation(), before.records(), List.of(), before.memtable());
        new Checkpoint(before.generation(), 0, 0, List.of(), new byte[0]).writeTo(dir);
        meta = null;
        snapshot = empty;
        before.memtable().clear();
        before.records().clear();
        for (Run old : before.runs()) {
            Files.deleteIfExists(Runs.file(dir, old.number()));
        }
        deleteUnnamedFiles();
    }

    @Override
    public void close() {
        try {
            snapshot.records().close();
        } catch (IOException e) {
            LOG.warn("photo index {}: closing {} failed: {}", dir, snapshot.records().file(), e.toString());
        }
    }

    // --- files ---

    private static long[] memtableEntries(Map<String, Long> memtable) {
        long[] entries = new long[memtable.size() * 2];
        int n = 0;
        for (Map.Entry<String, Long> e : memtable.entrySet()) {
            entries[n++] = hash(e.getKey());
            entries[n++] = e.getValue();
        }
        Runs.sortPairs(entries, n / 2);
        return java.util.Arrays.copyOf(entries, n);
    }

    /** Deletes the run and data files the snapshot does not name: left by a crash before their checkpoint. */
    private void deleteUnnamedFiles() throws IOException {
        Snapshot now = snapshot;
        List<Path> named = new ArrayList<>();
        named.add(now.records().file());
        now.runs().forEach(r -> named.add(Runs.file(dir, r.number())));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "{run-*,records*}")) {
            for (Path file : files) {
                if (!named.contains(file)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    // --- helpers ---

    static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    /**
     * A 64-bit hash of the key's UTF-8 bytes (FNV-1a, then a finaliser that spreads the bits): the
     * index's runs are sorted by it, so it never changes for a key; filters of ids may share it.
     */
    public static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

}
