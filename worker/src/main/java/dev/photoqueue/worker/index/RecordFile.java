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
    /** The least a {@link #copyTo} reads at once. */
    static final int COPY_CHUNK = 1 << 20;

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
            makeRoom(8 + body);
            ByteBuffer out = ByteBuffer.wrap(pending, pendingLength, 8 + body);
            out.putInt(body).putInt(0).putInt(k.length).put(k).put(value);
            crc.reset();
            crc.update(pending, pendingLength + 8, body);
            ByteBuffer.wrap(pending).putInt(pendingLength + 4, (int) crc.getValue());
            added(8 + body);
        }
        return at;
    }

    /**
     * Appends the whole record of {@code size} bytes at {@code from[at]}, copied from another data
     * file with its CRC already checked (a record does not depend on where it stands); returns its
     * offset here.
     */
    private long appendCopy(byte[] from, int at, int size) {
        long offset = length;
        synchronized (reader) {
            makeRoom(size);
            System.arraycopy(from, at, pending, pendingLength, size);
            added(size);
        }
        return offset;
    }

    /** Writes the write buffer out when {@code size} more bytes do not fit in it; guarded by {@link #reader}. */
    private void makeRoom(int size) {
        if (pendingLength + size > pending.length) {
            flush();
            if (size > pending.length) {
                pending = new byte[size]; // one record larger than the buffer: a buffer of its size
            }
        }
    }

    /** Counts a record of {@code size} bytes just put in the write buffer; guarded by {@link #reader}. */
    private void added(int size) {
        pendingLength += size;
        length += size;
        count++;
    }

    /**
     * Appends to {@code to} the records of this file at {@code sorted} (offsets in ascending order,
     * every record written out and forced), each checked against its CRC first, and sets
     * {@code copiedAt[i]} to where the record at {@code sorted[i]} stands in {@code to}. Reads this
     * file forward in chunks of {@value #COPY_CHUNK} bytes or more: one read for hundreds of records,
     * where {@link #recordAt} takes two reads and a decoded key for each (seconds for a compaction of
     * half a million records, all on the status view's thread).
     */
    void copyTo(RecordFile to, long[] sorted, long[] copiedAt) throws IOException {
        byte[] chunk = new byte[COPY_CHUNK];
        long chunkAt = 0;
        int chunkLength = 0;
        for (int i = 0; i < sorted.length; i++) {
            long at = sorted[i];
            if (at + 8 > chunkAt + chunkLength) {
                chunkAt = at;
                chunkLength = readChunk(chunk, at, chunk.length);
                if (chunkLength < 8) {
                    throw new IOException("the record at offset " + at + " of " + file + " runs past its end, "
                            + flushedLength);
                }
            }
            ByteBuffer head = ByteBuffer.wrap(chunk, (int) (at - chunkAt), 8);
            int body = head.getInt();
            int crc = head.getInt();
            if (body < 4 || at + 8 + body > flushedLength) {
                throw new IOException("bad record length " + body + " at offset " + at + " of " + file);
            }
            if (at + 8 + body > chunkAt + chunkLength) {
                if (8 + body > chunk.length) {
                    chunk = new byte[8 + body];
                }
                chunkAt = at;
                chunkLength = readChunk(chunk, at, chunk.length);
            }
            int from = (int) (at - chunkAt);
            if (PhotoIndex.crc(chunk, from + 8, body) != crc) {
                throw new IOException("the record at offset " + at + " of " + file + " fails its CRC");
            }
            copiedAt[i] = to.appendCopy(chunk, from, 8 + body);
        }
    }

    /** Reads up to {@code max} written-out bytes from {@code at} into {@code chunk}; returns how many. */
    private int readChunk(byte[] chunk, long at, int max) throws IOException {
        synchronized (reader) {
            if (closed) {
                throw new IOException(file + " is closed");
            }
            int size = (int) Math.max(0, Math.min(max, flushedLength - at));
            reader.seek(at);
            reader.readFully(chunk, 0, size);
            return size;
        }
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
