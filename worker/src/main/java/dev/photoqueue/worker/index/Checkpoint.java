package dev.photoqueue.worker.index;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the index's {@code checkpoint} file publishes: the generation of the data file, how many
 * of its bytes and records are published, the runs, and the caller's meta.
 *
 * <pre>
 * [magic "PQI2" int][generation long][data length long][records long]
 * [runs int]{[N long][entries long][crc long]}*[meta length int][meta][crc32c int]
 * </pre>
 *
 * A checkpoint written before data files had generations (magic "PQIX": no generation, no record
 * count) still opens: it names generation 0, and its record count is taken as its runs' entries.
 */
record Checkpoint(long generation, long dataLength, long records, List<RunName> runs, byte[] meta) {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final int MAGIC = 0x50514932; // "PQI2"
    private static final int MAGIC_BEFORE_GENERATIONS = 0x50514958; // "PQIX"

    /** A run as the checkpoint names it; its file must have {@code entries} entries with this CRC. */
    record RunName(long number, long entries, long crc) {
    }

    /** The checkpoint that publishes all of {@code records}, of {@code generation}, and {@code runs}. */
    static Checkpoint of(long generation, RecordFile records, List<Runs.Run> runs, byte[] meta) {
        return new Checkpoint(generation, records.length(), records.count(),
                runs.stream().map(r -> new RunName(r.number(), r.entries(), r.crc())).toList(), meta);
    }

    /** Durably replaces the checkpoint in {@code dir} with this one: temp file, force, rename, force the folder. */
    void writeTo(Path dir) throws IOException {
        ByteBuffer whole = ByteBuffer.wrap(encode());
        Path temp = dir.resolve(PhotoIndex.CHECKPOINT + ".tmp");
        try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (whole.hasRemaining()) {
                file.write(whole);
            }
            file.force(true);
        }
        Files.move(temp, dir.resolve(PhotoIndex.CHECKPOINT), StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot open a folder; the rename is then as durable as they make it
            LOG.debug("cannot force the folder {}: {}", dir, e.toString());
        }
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeLong(generation);
            out.writeLong(dataLength);
            out.writeLong(records);
            out.writeInt(runs.size());
            for (RunName run : runs) {
                out.writeLong(run.number());
                out.writeLong(run.entries());
                out.writeLong(run.crc());
            }
            out.writeInt(meta.length);
            out.write(meta);
            out.flush();
            byte[] body = bytes.toByteArray();
            return ByteBuffer.allocate(body.length + 4).put(body).putInt(PhotoIndex.crc(body, 0, body.length)).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
    }

    /** The checkpoint {@code bytes} read from {@code file}. */
    static Checkpoint decode(byte[] bytes, Path file) throws DamagedIndexException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int magic = bytes.length < 24 ? 0 : in.getInt();
        if (magic != MAGIC && magic != MAGIC_BEFORE_GENERATIONS) {
            throw new DamagedIndexException("checkpoint " + file + " is not a checkpoint (" + bytes.length + " bytes)");
        }
        if (PhotoIndex.crc(bytes, 0, bytes.length - 4) != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            throw new DamagedIndexException("checkpoint " + file + " fails its CRC");
        }
        try {
            boolean generations = magic == MAGIC;
            long generation = generations ? in.getLong() : 0;
            long dataLength = in.getLong();
            long records = generations ? in.getLong() : -1;
            int count = in.getInt();
            List<RunName> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                runs.add(new RunName(in.getLong(), in.getLong(), in.getLong()));
            }
            byte[] meta = new byte[in.getInt()];
            in.get(meta);
            if (records < 0) {
                records = runs.stream().mapToLong(RunName::entries).sum();
            }
            return new Checkpoint(generation, dataLength, records, List.copyOf(runs), meta);
        } catch (RuntimeException e) { // a count or length past the end: the CRC matched bytes of another kind
            throw new DamagedIndexException("checkpoint " + file + " does not parse: " + e);
        }
    }
}
