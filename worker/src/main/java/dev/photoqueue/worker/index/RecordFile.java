package dev.photoqueue.worker.index;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The index's data file: records appended, never changed, {@code [length int][crc32c int][key
 * length int][key UTF-8][value]}. Appends are gathered in a write buffer of
 * {@value PhotoIndex#WRITE_BUFFER} bytes and written when it is full or at {@link #flush} (one
 * write for many records); a record is read from the buffer until it is written. Forced only by
 * {@link #force}.
 *
 * <p>A compaction ({@link Compaction}) copies the records still named into a data file of the next
 * generation: generation 0 is {@code records.dat}, generation N {@code records-N.dat} (N in 16
 * digits).
 *
 * <p>Thread-safety: one writer thread appends, flushes, forces and truncates; any thread reads. A
 * read of a closed file fails with {@link UncheckedIOException}, never with another file's bytes.
 */
final class RecordFile implements AutoCloseable {

    /** A record read back whole. */
    record Record(String key, byte[] value) {
    }

    private final Path file;
    private final FileChannel data;
    /**
     * Reads records: a file, not a channel, as an interrupted reader thread would close a channel
     * for everyone. Guards the write buffer too.
     */
    private final RandomAccessFile reader;
    /** Records appended but not yet written to the file, which holds {@link #flushedLength} bytes; guarded by {@link #reader}. */
    private byte[] pending = new byte[PhotoIndex.WRITE_BUFFER];
    private int pendingLength;
    private long flushedLength;
    private volatile long length;
    /** Records appended, published or not. */
    private long count;
    /** Set by {@link #close}; guarded by {@link #reader}. */
    private boolean closed;
    private final CRC32C crc = new CRC32C(); // writer thread only

    private RecordFile(Path file, FileChannel data, RandomAccessFile reader, long length, long count) {
        this.file = file;
        this.data = data;
        this.reader = reader;
        this.length = length;
        this.flushedLength = length;
        this.count = count;
    }

    /** The data file of {@code generation} in {@code dir}. */
    static Path path(Path dir, long generation) {
        return dir.resolve(generation == 0 ? PhotoIndex.DATA : String.format("records-%016d.dat", generation));
    }

    /**
     * Opens {@code file} (created if missing) as holding {@code count} records in its first
     * {@code length} bytes; whatever follows them, never published, is cut.
     */
    static RecordFile open(Path file, long length, long count) throws IOException {
        FileChannel data = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            data.truncate(length);
            return new RecordFile(file, data, new RandomAccessFile(file.toFile(), "r"), length, count);
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** The bytes of the records appended, written out or not. */
    long length() {
        return length;
    }

    /** How many records were appended, live or replaced by a later one of their key. Writer thread. */
    long count() {
        return count;
    }

    /** Appends a record; returns its offset. It can be read at once. */
    long append(String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int body = 4 + k.length + value.length;
        long at = length;
        synchronized (reader) {
            if (pendingLength + 8 + body > pending.length) {
                flush();
                if (8 + body > pending.length) {
                    pending = new byte[8 + body]; // one record larger than the buffer: a buffer of its size
                }
            }
            ByteBuffer out = ByteBuffer.wrap(pending, pendingLength, 8 + body);
            out.putInt(body).putInt(0).putInt(k.length).put(k).put(value);
            crc.reset();
            crc.update(pending, pendingLength + 8, body);
            ByteBuffer.wrap(pending).putInt(pendingLength + 4, (int) crc.getValue());
            pendingLength += 8 + body;
            length += 8 + body;
            count++;
        }
        return at;
    }

    /** Writes the write buffer to the file (not forced). */
    void flush() {
        synchronized (reader) {
            ByteBuffer out = ByteBuffer.wrap(pending, 0, pendingLength);
            try {
                while (out.hasRemaining()) {
                    data.write(out, flushedLength + out.position());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file + " at offset " + flushedLength, e);
            }
            flushedLength += pendingLength;
            pendingLength = 0;
        }
    }

    /** Writes out and forces every record appended. */
    void force() throws IOException {
        flush();
        data.force(false);
    }

    /** Drops every record. */
    void clear() throws IOException {
        synchronized (reader) {
            pendingLength = 0;
            flushedLength = 0;
        }
        data.truncate(0);
        length = 0;
        count = 0;
    }

    /** The value of the record at {@code at}, which must be of {@code key}. */
    byte[] valueAt(long at, String key) {
        byte[] value = readIfKey(at, key);
        if (value == null) {
            throw new UncheckedIOException(new IOException("the record at offset " + at + " of " + file
                    + " is not of key " + key));
        }
        return value;
    }

    /** The value of the record at {@code at} when its key is {@code key}, else null. */
    byte[] readIfKey(long at, String key) {
        Record record = recordAt(at);
        return record.key().equals(key) ? record.value() : null;
    }

    /** The record at {@code at}, key and value. */
    Record recordAt(long at) {
        ByteBuffer body = readBody(at);
        byte[] k = new byte[body.getInt()];
        body.get(k);
        byte[] value = new byte[body.remaining()];
        body.get(value);
        return new Record(new String(k, StandardCharsets.UTF_8), value);
    }

    private ByteBuffer readBody(long at) {
        try {
            ByteBuffer head = ByteBuffer.allocate(8);
            readFully(head, at);
            int length = head.getInt(0);
            int crc = head.getInt(4);
            if (length < 4 || at + 8 + length > this.length) {
                throw new IOException("bad record length " + length);
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readFully(body, at + 8);
            if (PhotoIndex.crc(body.array(), 0, length) != crc) {
                throw new IOException("the record fails its CRC");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the record at offset " + at + " of " + file
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fills the whole of {@code buffer} (a heap buffer at position 0) from {@code at}: from the
     * write buffer when the record there is not written yet (a record is never split between the
     * two).
     */
    private void readFully(ByteBuffer buffer, long at) throws IOException {
        synchronized (reader) {
            if (closed) {
                throw new IOException(file + " is closed");
            }
            if (at >= flushedLength) {
                int from = (int) (at - flushedLength);
                if (from + buffer.capacity() > pendingLength) {
                    throw new IOException("the record at offset " + at + " runs past the data put");
                }
                System.arraycopy(pending, from, buffer.array(), 0, buffer.capacity());
                return;
            }
            reader.seek(at);
            reader.readFully(buffer.array(), 0, buffer.capacity());
        }
    }

    /** Closes the file; a read still running finishes first, a later one fails. */
    @Override
    public void close() throws IOException {
        synchronized (reader) {
            closed = true;
            reader.close();
        }
        data.close();
    }
}
