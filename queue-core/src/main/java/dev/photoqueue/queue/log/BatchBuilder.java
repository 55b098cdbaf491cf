package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.Header;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

import static dev.photoqueue.queue.log.RecordBatches.*;

/**
 * Encodes records into one batch in a reusable buffer. Offsets are relative until {@link #finish}
 * stamps the base offset, so a batch that fails to reach the disk consumes no offsets.
 * Not thread-safe: the owning partition guards it with its append lock.
 */
final class BatchBuilder {

    private final ByteBuffer buffer;
    private int recordCount;
    private long firstTimestamp;
    private long maxTimestamp;

    BatchBuilder(ByteBuffer buffer) {
        this.buffer = buffer;
        reset();
    }

    static BatchBuilder allocateDirect(int capacity) {
        return new BatchBuilder(ByteBuffer.allocateDirect(capacity));
    }

    static BatchBuilder allocate(int capacity) {
        return new BatchBuilder(ByteBuffer.allocate(capacity));
    }

    void reset() {
        buffer.clear();
        buffer.position(HEADER_SIZE);
        recordCount = 0;
        firstTimestamp = -1;
        maxTimestamp = -1;
    }

    int capacity() {
        return buffer.capacity();
    }

    boolean isEmpty() {
        return recordCount == 0;
    }

    int recordCount() {
        return recordCount;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    boolean hasRoomFor(int recordSize) {
        return buffer.remaining() >= recordSize;
    }

    /** Appends one record of {@code recordSize} bytes (from {@link RecordBatches#recordSize}); the caller checked room. */
    void append(int recordSize, long timestamp, byte[] key, byte[] value, List<Header> headers) {
        ByteBuffer b = buffer;
        b.putInt(recordSize - 4);
        b.putInt(recordCount);
        b.putLong(timestamp);
        putBytes(b, key);
        putBytes(b, value);
        int headerCount = headers.size();
        b.putInt(headerCount);
        for (int i = 0; i < headerCount; i++) {
            Header h = headers.get(i);
            putBytes(b, h.key().getBytes(StandardCharsets.UTF_8));
            putBytes(b, h.value());
        }
        if (recordCount == 0) {
            firstTimestamp = timestamp;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        recordCount++;
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        if (bytes == null) {
            b.putInt(-1);
        } else {
            b.putInt(bytes.length);
            b.put(bytes);
        }
    }

    /**
     * Writes the header with {@code baseOffset} and the CRC, and returns the buffer positioned at
     * the batch start with the limit at its end. The builder is unusable until {@link #reset}.
     */
    ByteBuffer finish(long baseOffset) {
        if (recordCount == 0) {
            throw new IllegalStateException("cannot finish an empty batch");
        }
        ByteBuffer b = buffer;
        int end = b.position();
        b.putLong(BASE_OFFSET_POS, baseOffset);
        b.putInt(LENGTH_POS, end - LOG_OVERHEAD);
        b.put(MAGIC_POS, MAGIC);
        b.putShort(ATTRIBUTES_POS, (short) 0);
        b.putInt(RECORD_COUNT_POS, recordCount);
        b.putLong(FIRST_TIMESTAMP_POS, firstTimestamp);
        b.putLong(MAX_TIMESTAMP_POS, maxTimestamp);
        b.putInt(CRC_POS, (int) crc(b, ATTRIBUTES_POS, end));
        b.position(0);
        b.limit(end);
        return b;
    }

    static long crc(ByteBuffer b, int from, int to) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = b.duplicate();
        view.limit(to).position(from);
        crc.update(view);
        return crc.getValue();
    }
}
