package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.FileHandle;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import static dev.photoqueue.queue.log.RecordBatches.HEADER_SIZE;
import static dev.photoqueue.queue.log.RecordBatches.LENGTH_POS;
import static dev.photoqueue.queue.log.RecordBatches.LOG_OVERHEAD;

/**
 * Walks the batches of a log file from a byte position up to an end position, checking each one
 * (length, CRC32C, offset sequence) before handing it out. It stops at the end or at the first
 * batch that fails a check, and then says where and why ({@link #stopPosition}, {@link #stopReason}).
 * Recovery, reads, lookups by time and the {@code dump} command all read through it, so every
 * path applies the same checks. Not thread-safe; cheap to create.
 */
final class BatchScanner {

    /**
     * Each reading thread reuses one direct buffer for the scans up to this size: no 1 MiB
     * allocation per fetch, and the file is read straight into it without the JDK's extra copy
     * through a temporary direct buffer. Scans on one thread never overlap, and every caller
     * decodes a batch before asking for the next, so reuse is safe.
     */
    private static final int SCRATCH_BYTES = 1 << 20;
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SCRATCH_BYTES));

    private final FileHandle file;
    private final long endPosition;
    private final int maxBatchBytes;
    private ByteBuffer buffer;
    /** How many bytes one file read asks for: the caller's buffer size, whatever the buffer's capacity. */
    private final int readSpan;
    /** File position of {@code buffer}'s byte 0. */
    private long bufferStart;
    private long position;
    private RecordBatch current;
    private int currentSize;
    private String stopReason;

    /**
     * @param maxBatchBytes a batch claiming more bytes than this is treated as corrupt, which keeps a
     *                      flipped length field from allocating gigabytes
     */
    BatchScanner(FileHandle file, long startPosition, long endPosition, int bufferBytes, int maxBatchBytes) {
        this.file = file;
        this.position = startPosition;
        this.endPosition = endPosition;
        this.maxBatchBytes = maxBatchBytes;
        long span = Math.max(HEADER_SIZE, Math.min(bufferBytes, endPosition - startPosition));
        this.readSpan = (int) Math.min(span, Integer.MAX_VALUE - 16);
        this.buffer = readSpan <= SCRATCH_BYTES ? scratch() : ByteBuffer.allocate(readSpan);
        this.buffer.limit(0);
        this.bufferStart = startPosition;
    }

    private static ByteBuffer scratch() {
        ByteBuffer b = SCRATCH.get();
        b.clear();
        return b;
    }

    /**
     * Moves to the next batch and returns it, or null at the end or at a batch that fails its
     * checks. {@code expectedBaseOffset} is the offset the batch must start at, or -1 for any.
     */
    RecordBatch next(long expectedBaseOffset) throws IOException {
        if (current != null) {
            position += currentSize;
            current = null;
        }
        if (stopReason != null || position >= endPosition) {
            return null;
        }
        long left = endPosition - position;
        if (left < LOG_OVERHEAD) {
            return stop("a partial batch header of " + left + " bytes");
        }
        ensure(LOG_OVERHEAD);
        int size = LOG_OVERHEAD + buffer.getInt((int) (position - bufferStart) + LENGTH_POS);
        if (size < HEADER_SIZE || size > maxBatchBytes) {
            return stop("batch length " + (size - LOG_OVERHEAD) + " is impossible (at most " + maxBatchBytes + ")");
        }
        if (size > left) {
            return stop("a batch of " + size + " bytes with only " + left + " bytes left (torn write)");
        }
        ensure(size);
        RecordBatch batch = new RecordBatch(buffer, (int) (position - bufferStart));
        String invalid = batch.invalidReason(expectedBaseOffset);
        if (invalid != null) {
            return stop(invalid);
        }
        current = batch;
        currentSize = size;
        return batch;
    }

    private RecordBatch stop(String reason) {
        stopReason = reason;
        return null;
    }

    /** Makes {@code bytes} bytes from {@code position} present in the buffer, reading and growing as needed. */
    private void ensure(int bytes) throws IOException {
        long bufferEnd = bufferStart + buffer.limit();
        if (position >= bufferStart && position + bytes <= bufferEnd) {
            return;
        }
        if (bytes > buffer.capacity()) {
            buffer = ByteBuffer.allocate(bytes);
        }
        int want = (int) Math.min(Math.min(buffer.capacity(), readSpan), endPosition - position);
        buffer.clear();
        buffer.limit(Math.max(want, bytes));
        bufferStart = position;
        while (buffer.hasRemaining()) {
            int n = file.read(buffer, bufferStart + buffer.position());
            if (n < 0) {
                throw new EOFException("file ends at " + (bufferStart + buffer.position()) + ", before " + endPosition);
            }
        }
        buffer.flip();
    }

    /** Byte position of the batch last returned, or where the scan stopped. */
    long position() {
        return position;
    }

    /** Byte position just after the last valid batch returned. */
    long validEnd() {
        return current != null ? position + currentSize : position;
    }

    /** Why the scan stopped before the end, or null if it has not. */
    String stopReason() {
        return stopReason;
    }

    long stopPosition() {
        return position;
    }
}
