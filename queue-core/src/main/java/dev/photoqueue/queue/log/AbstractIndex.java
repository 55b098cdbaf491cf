package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.StorageException;

import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.MappedRegion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * A sparse, memory-mapped index file of fixed-size entries sorted by their key, belonging to one
 * segment. While its segment is active the file is preallocated to {@code maxBytes} and only the
 * first {@link #entries()} entries count; {@link #trim} cuts it to exactly those entries when the
 * segment is sealed or closed, so a sealed index file's length tells its entry count.
 *
 * <p>An index is a cache of what the log file says: it can always be rebuilt from the log, and
 * recovery does so whenever it is missing or fails {@link #isConsistentWith}.
 *
 * <p>One writer (the partition's writer) and any number of readers: {@code entries} is published
 * after the entry's bytes are in the mapping.
 */
abstract class AbstractIndex implements AutoCloseable {

    /** The unit a mapping gets its disk room in (a page, or a multiple of the file system's block). */
    private static final int PAGE = 4096;

    protected final Path file;
    private final FileIO io;
    protected final long baseOffset;
    private final int entrySize;
    private final int maxBytes;
    private int maxEntries;
    /**
     * Never unmapped by hand: a reader may be in a lookup while the writer trims or retention
     * deletes, and touching an unmapped buffer would crash the JVM. The GC releases old mappings.
     */
    protected volatile ByteBuffer mmap;
    private volatile MappedRegion region;
    private volatile int entries;

    protected AbstractIndex(FileIO io, Path file, long baseOffset, int entrySize, int maxBytes, boolean writable) {
        this.io = io;
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        this.maxBytes = maxBytes;
        try {
            long existing = io.exists(file) ? io.size(file) : 0;
            int validEntries = (int) (existing / entrySize);
            long length = writable ? Math.max(roundDown(maxBytes), (long) validEntries * entrySize)
                    : (long) validEntries * entrySize;
            this.region = io.map(file, length);
            this.mmap = region.buffer();
            this.maxEntries = (int) (length / entrySize);
            this.entries = validEntries; // a partial trailing entry (torn write) is ignored
        } catch (IOException e) {
            throw new StorageException(file.toString(), "open index", e);
        }
    }

    private int roundDown(int bytes) {
        return Math.max(entrySize, bytes / entrySize * entrySize);
    }

    final int entries() {
        return entries;
    }

    final boolean isFull() {
        return entries >= maxEntries;
    }

    final Path file() {
        return file;
    }

    /** Position of entry {@code n}'s first byte in the mapping. */
    protected final int slot(int n) {
        return n * entrySize;
    }

    /**
     * Appends one entry: {@code puts} writes its bytes into the mapping from the given position,
     * then the entry is published to readers. The disk's room for a page no entry was written to
     * yet is reserved first: a full disk then fails here as a {@link StorageException}, before any
     * byte is written, instead of faulting the mapping, which the JVM would report as an error at
     * some later point. Writer only.
     */
    protected final void appendEntry(IntConsumer puts) {
        int n = entries;
        long at = slot(n);
        // Entries before this one filled the file up to 'at': the page holding 'at' has its room
        // unless 'at' starts it; a page the entry reaches into past it is new.
        long newPage = (at + PAGE - 1) / PAGE * PAGE;
        if (newPage < at + entrySize && newPage < mmap.capacity()) {
            try {
                region.reserve(newPage, (int) Math.min(PAGE, mmap.capacity() - newPage));
            } catch (IOException e) {
                throw new StorageException(file.toString(), "make room for index entry " + n + " in", e);
            }
        }
        puts.accept(slot(n));
        entries = n + 1;
    }

    /**
     * Forgets every entry (recovery rebuilds them), with room for as many as an active index holds:
     * a sealed index's file is only as long as the entries it had, which may be none.
     */
    final void reset() {
        entries = 0;
        long capacity = roundDown(maxBytes);
        if ((long) maxEntries * entrySize < capacity) {
            resize(capacity);
        }
    }

    /** Drops entries past {@code count}. */
    final void truncateEntries(int count) {
        if (count < entries) {
            entries = count;
        }
    }

    /** Forces the written entries to disk. */
    final void flush() {
        region.force();
    }

    /** Cuts the file to exactly its entries and maps it read-only sized; the index takes no more entries. */
    final void trim() {
        resize((long) entries * entrySize);
    }

    private void resize(long length) {
        region.force();
        try {
            MappedRegion resized = io.map(file, length);
            maxEntries = (int) (length / entrySize);
            region = resized;
            mmap = resized.buffer();
        } catch (IOException e) {
            throw new StorageException(file.toString(), "resize index", e);
        }
    }

    /**
     * True when every entry is in key order, relative offsets fit the segment, and no entry points
     * past {@code logSize} bytes of the log: the checks an index must pass to be trusted after a restart.
     */
    abstract boolean isConsistentWith(long logSize, long nextOffset);

    @Override
    public void close() {
        region.force();
    }

    /** Deletes the file. Readers still holding the mapping keep reading valid entries until the GC drops it. */
    final void delete() {
        try {
            io.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException(file.toString(), "delete index", e);
        }
    }
}
