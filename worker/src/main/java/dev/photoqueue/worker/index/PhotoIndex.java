package dev.photoqueue.worker.index;

import dev.photoqueue.worker.index.Runs.Run;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * run-N.idx       [hash long][record offset long] ...  sorted by hash; immutable once published
 * checkpoint      [magic int][data length long][runs int]{[N long][entries long][crc long]}*
 *                 [meta length int][meta][crc32c int]                            replaced atomically
 * </pre>
 *
 * <p>Guarantees. {@link #put} appends a record ({@link RecordFile}: gathered in a write buffer,
 * written in large writes) and remembers its offset in a memory table, where
 * {@link #get} finds it at once. {@link #checkpoint} makes everything put so far durable: it
 * forces the data file, writes the memory table as a new sorted run (temp file, force, rename),
 * then the checkpoint (temp file, force, rename, force the folder), and only then forgets the
 * memory table. A crash anywhere (kill -9, power loss) leaves the old or the new checkpoint; on
 * {@link #open}, data past the checkpoint's length is cut and run files it does not name are
 * deleted, so what is seen is exactly what the checkpoint covers, with its {@link #meta} (the
 * caller's log positions). A missing or damaged checkpoint, run or data file opens an empty index
 * ({@link #recovered} false).
 *
 * <p>Memory: per record none, except the memory table of records put since the last checkpoint;
 * runs are read through memory maps (outside the Java heap). A lookup binary-searches each run
 * (newest first) for the key's 64-bit hash and reads the record to compare the key, so hash
 * collisions cost a read, never a wrong answer. More than {@value #MAX_RUNS} runs are merged into
 * one at a checkpoint. Records replaced by a later put stay in the data file (it is rewritten only
 * by {@link #clear}).
 *
 * <p>Thread-safety: one writer thread calls {@link #put}, {@link #checkpoint} and {@link #clear};
 * {@link #get} may be called from any thread at the same time.
 */
public final class PhotoIndex implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoIndex.class);
    static final String DATA = "records.dat";
    static final String CHECKPOINT = "checkpoint";
    private static final int MAGIC = 0x50514958; // "PQIX"
    static final int MAX_RUNS = 8;
    /** The write buffer's size: records put are written to the data file in writes of about this. */
    static final int WRITE_BUFFER = 256 * 1024;

    private final Path dir;
    private final RecordFile records;
    private final Map<String, Long> memtable = new ConcurrentHashMap<>();
    private volatile List<Run> runs;
    private long nextRun;
    private byte[] meta;
    private final boolean recovered;

    private PhotoIndex(Path dir, FileChannel data, List<Run> runs, long dataLength, byte[] meta, boolean recovered) {
        this.dir = dir;
        this.records = new RecordFile(dir.resolve(DATA), data, dataLength);
        this.runs = runs;
        this.meta = meta;
        this.recovered = recovered;
        this.nextRun = runs.stream().mapToLong(Run::number).max().orElse(0) + 1;
    }

    /**
     * Opens the index in {@code dir} (created if missing) as its last checkpoint left it; an index
     * whose checkpoint, runs or data do not check out is emptied, with a log line saying why.
     */
    public static PhotoIndex open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel data = FileChannel.open(dir.resolve(DATA), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                Path checkpoint = dir.resolve(CHECKPOINT);
                if (Files.exists(checkpoint)) {
                    try {
                        return load(dir, data, Files.readAllBytes(checkpoint));
                    } catch (DamagedIndexException e) {
                        LOG.warn("photo index {}: {}; starting empty, to be rebuilt from the log", dir, e.getMessage());
                    }
                }
                PhotoIndex empty = new PhotoIndex(dir, data, List.of(), 0, null, false);
                empty.reset();
                return empty;
            } catch (IOException | RuntimeException e) {
                data.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the photo index in " + dir, e);
        }
    }

    /** The checkpoint or a file it names does not check out. */
    private static final class DamagedIndexException extends Exception {
        DamagedIndexException(String message) {
            super(message);
        }
    }

    private static PhotoIndex load(Path dir, FileChannel data, byte[] bytes) throws IOException, DamagedIndexException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 24 || in.getInt() != MAGIC) {
            throw new DamagedIndexException("checkpoint " + dir.resolve(CHECKPOINT) + " is not a checkpoint ("
                    + bytes.length + " bytes)");
        }
        if (crc(bytes, 0, bytes.length - 4) != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            throw new DamagedIndexException("checkpoint " + dir.resolve(CHECKPOINT) + " fails its CRC");
        }
        long dataLength = in.getLong();
        if (data.size() < dataLength) {
            throw new DamagedIndexException(dir.resolve(DATA) + " has " + data.size() + " bytes, the checkpoint "
                    + "covers " + dataLength);
        }
        int count = in.getInt();
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long number = in.getLong();
            long entries = in.getLong();
            long crc = in.getLong();
            Path file = Runs.file(dir, number);
            if (!Files.exists(file) || Files.size(file) != entries * Run.ENTRY) {
                throw new DamagedIndexException("run " + file + " is missing or not " + entries * Run.ENTRY + " bytes");
            }
            ByteBuffer map = Runs.map(file, entries);
            if (Runs.crc(map) != crc) {
                throw new DamagedIndexException("run " + file + " fails its CRC");
            }
            runs.add(new Run(number, entries, crc, map));
        }
        byte[] meta = new byte[in.getInt()];
        in.get(meta);
        data.truncate(dataLength); // records past the checkpoint were never published
        boolean published = meta.length > 0; // an emptied index has a checkpoint with no meta
        PhotoIndex index = new PhotoIndex(dir, data, List.copyOf(runs), dataLength, published ? meta : null,
                published);
        index.deleteUnnamedRuns();
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
        return memtable.size();
    }

    /** The bytes the data file holds, published or not. */
    public long dataBytes() {
        return records.length();
    }

    /** The latest value put under {@code key}, or empty. Any thread. */
    public Optional<byte[]> get(String key) {
        Long at = memtable.get(key);
        if (at != null) {
            return Optional.of(records.valueAt(at, key));
        }
        long hash = hash(key);
        for (Run run : runs) {
            for (long i = Runs.firstAtOrAfter(run, hash); i < run.entries() && run.hash(i) == hash; i++) {
                byte[] value = records.readIfKey(run.offset(i), key);
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
        long at = records.append(key, value);
        memtable.put(key, at); // published after the record is readable: a reader finds a whole record
    }

    /**
     * Makes every record put so far durable and publishes it with {@code meta} (the log positions
     * the records cover): forces the data, writes the memory table as a run (merging the runs when
     * there are too many), then replaces the checkpoint.
     */
    public void checkpoint(byte[] meta) {
        try {
            records.force();
            List<Run> next = new ArrayList<>(runs);
            if (!memtable.isEmpty()) {
                Run fresh = Runs.write(dir, nextRun++, memtableEntries());
                next.add(0, fresh);
            }
            List<Run> before = List.copyOf(next); // every run file there is now
            if (next.size() > MAX_RUNS) {
                next = List.of(Runs.merge(dir, nextRun++, next, records));
            }
            writeCheckpoint(next, records.length(), meta);
            runs = List.copyOf(next);
            this.meta = meta.clone();
            memtable.clear(); // after the runs that hold its entries are published
            for (Run old : before) {
                if (!runs.contains(old)) {
                    Files.deleteIfExists(Runs.file(dir, old.number()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint of the photo index in " + dir, e);
        }
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
        writeCheckpoint(List.of(), 0, new byte[0]);
        meta = null;
        List<Run> before = runs;
        runs = List.of();
        memtable.clear();
        records.clear();
        for (Run old : before) {
            Files.deleteIfExists(Runs.file(dir, old.number()));
        }
        deleteUnnamedRuns();
    }

    @Override
    public void close() {
        try {
            records.close();
        } catch (IOException e) {
            LOG.warn("photo index {}: closing {} failed: {}", dir, DATA, e.toString());
        }
    }

    // --- runs ---

    private long[] memtableEntries() {
        long[] entries = new long[memtable.size() * 2];
        int n = 0;
        for (Map.Entry<String, Long> e : memtable.entrySet()) {
            entries[n++] = hash(e.getKey());
            entries[n++] = e.getValue();
        }
        Runs.sortPairs(entries, n / 2);
        return java.util.Arrays.copyOf(entries, n);
    }

    /** Durably replaces the checkpoint: {@code dataLength} bytes of the data file and {@code published} runs. */
    private void writeCheckpoint(List<Run> published, long dataLength, byte[] meta) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeLong(dataLength);
        out.writeInt(published.size());
        for (Run run : published) {
            out.writeLong(run.number());
            out.writeLong(run.entries());
            out.writeLong(run.crc());
        }
        out.writeInt(meta.length);
        out.write(meta);
        out.flush();
        byte[] body = bytes.toByteArray();
        ByteBuffer whole = ByteBuffer.allocate(body.length + 4).put(body).putInt(crc(body, 0, body.length)).flip();
        Path temp = dir.resolve(CHECKPOINT + ".tmp");
        try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (whole.hasRemaining()) {
                file.write(whole);
            }
            file.force(true);
        }
        Files.move(temp, dir.resolve(CHECKPOINT), StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(dir);
    }

    private void deleteUnnamedRuns() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "run-*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean named = runs.stream().anyMatch(r -> Runs.file(dir, r.number()).getFileName().toString()
                        .equals(name));
                if (!named) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    // --- records ---

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

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot open a folder; the rename is then as durable as they make it
            LOG.debug("cannot force the folder {}: {}", dir, e.toString());
        }
    }
}
