package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.OffsetAndTimestamp;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.photoqueue.queue.log.RecordBatches.*;

/**
 * A read-only view of one stored batch (see {@link RecordBatches} for the layout). The header
 * accessors read raw bytes; call {@link #invalidReason} before trusting them or decoding records.
 */
final class RecordBatch {

    private final ByteBuffer buffer;
    private final int start;

    /** A view of the batch starting at {@code start} in {@code buffer}; the whole batch must be in the buffer. */
    RecordBatch(ByteBuffer buffer, int start) {
        this.buffer = buffer;
        this.start = start;
    }

    long baseOffset() {
        return buffer.getLong(start + BASE_OFFSET_POS);
    }

    int sizeInBytes() {
        return LOG_OVERHEAD + buffer.getInt(start + LENGTH_POS);
    }

    int recordCount() {
        return buffer.getInt(start + RECORD_COUNT_POS);
    }

    long lastOffset() {
        return baseOffset() + recordCount() - 1;
    }

    long firstTimestamp() {
        return buffer.getLong(start + FIRST_TIMESTAMP_POS);
    }

    long maxTimestamp() {
        return buffer.getLong(start + MAX_TIMESTAMP_POS);
    }

    /**
     * Null when the batch is whole and its CRC matches; otherwise why not. {@code expectedBaseOffset}
     * is the offset the batch must start at, or -1 when any is acceptable.
     */
    String invalidReason(long expectedBaseOffset) {
        int size = sizeInBytes();
        if (size < HEADER_SIZE + RECORD_OVERHEAD || start + size > buffer.limit()) {
            return "batch length " + (size - LOG_OVERHEAD) + " is impossible here";
        }
        if (buffer.get(start + MAGIC_POS) != MAGIC) {
            return "unknown format version " + buffer.get(start + MAGIC_POS);
        }
        long stored = Integer.toUnsignedLong(buffer.getInt(start + CRC_POS));
        long computed = BatchBuilder.crc(buffer, start + ATTRIBUTES_POS, start + size);
        if (stored != computed) {
            return "CRC32C mismatch: stored " + Long.toHexString(stored) + ", computed " + Long.toHexString(computed);
        }
        if (recordCount() < 1 || recordCount() > (size - HEADER_SIZE) / RECORD_OVERHEAD) {
            return "record count " + recordCount() + " does not fit the batch";
        }
        if (expectedBaseOffset >= 0 && baseOffset() != expectedBaseOffset) {
            return "base offset " + baseOffset() + " where " + expectedBaseOffset + " was expected";
        }
        return null;
    }

    /**
     * Decodes the records with offset >= {@code minOffset} into {@code out}. Call only on a batch
     * whose {@link #invalidReason} is null; a structural surprise inside still throws
     * {@link IllegalStateException} rather than yielding a wrong record.
     */
    void decode(String topic, int partition, long minOffset, List<ConsumerRecord> out) {
        long base = baseOffset();
        int count = recordCount();
        int end = start + sizeInBytes();
        ByteBuffer b = buffer.duplicate();
        b.limit(end).position(start + HEADER_SIZE);
        if (out instanceof ArrayList<ConsumerRecord> list) {
            // A fetch decodes thousands of records: grow the list once, not by halves.
            list.ensureCapacity(list.size() + count);
        }
        try {
            for (int i = 0; i < count; i++) {
                int lengthEnd = b.position() + 4;
                int recordEnd = checkedRecordEnd(b, i, end);
                int length = recordEnd - lengthEnd;
                long offset = base + i;
                if (offset < minOffset) {
                    b.position(recordEnd);
                    continue;
                }
                long timestamp = b.getLong();
                byte[] key = getBytes(b);
                byte[] value = getBytes(b);
                int headerCount = b.getInt();
                List<Header> headers;
                if (headerCount == 0) {
                    headers = List.of();
                } else {
                    if (headerCount < 0 || headerCount > length) {
                        throw new IllegalStateException("record " + i + " header count " + headerCount);
                    }
                    headers = new ArrayList<>(headerCount);
                    for (int h = 0; h < headerCount; h++) {
                        byte[] headerKey = getBytes(b);
                        headers.add(new Header(new String(headerKey, StandardCharsets.UTF_8), getBytes(b)));
                    }
                    headers = List.copyOf(headers);
                }
                if (b.position() != recordEnd) {
                    throw new IllegalStateException("record " + i + " ends at " + b.position() + ", not " + recordEnd);
                }
                out.add(new ConsumerRecord(topic, partition, offset, timestamp, key, value, headers));
            }
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("record structure overruns batch at offset " + base + ": " + e, e);
        }
    }

    /**
     * The first record with offset >= {@code minOffset} and timestamp >= {@code timestamp}, or null
     * when the batch has none. Reads only each record's length, offset delta and timestamp: keys,
     * values and headers are skipped, not copied. Same precondition and failure as {@link #decode}.
     */
    OffsetAndTimestamp firstAtOrAfter(long minOffset, long timestamp) {
        long base = baseOffset();
        int count = recordCount();
        int end = start + sizeInBytes();
        ByteBuffer b = buffer.duplicate();
        b.limit(end).position(start + HEADER_SIZE);
        try {
            for (int i = 0; i < count; i++) {
                int recordEnd = checkedRecordEnd(b, i, end);
                long recordTimestamp = b.getLong();
                if (base + i >= minOffset && recordTimestamp >= timestamp) {
                    return new OffsetAndTimestamp(base + i, recordTimestamp);
                }
                b.position(recordEnd);
            }
            return null;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalStateException("record structure overruns batch at offset " + base + ": " + e, e);
        }
    }

    /**
     * Reads record {@code i}'s length and offset delta at {@code b}'s position and checks both: the
     * record must fit before {@code end} and its delta must be {@code i}. Returns where it ends.
     */
    private static int checkedRecordEnd(ByteBuffer b, int i, int end) {
        int length = b.getInt();
        int recordEnd = b.position() + length;
        if (length < RECORD_OVERHEAD - 4 || recordEnd > end) {
            throw new IllegalStateException("record " + i + " length " + length + " overruns its batch");
        }
        int delta = b.getInt();
        if (delta != i) {
            throw new IllegalStateException("record " + i + " has offset delta " + delta);
        }
        return recordEnd;
    }

    private static byte[] getBytes(ByteBuffer b) {
        int length = b.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > b.remaining()) {
            throw new IllegalStateException("field length " + length + " with " + b.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return bytes;
    }
}
