package dev.photoqueue.upload.service;

import dev.photoqueue.worker.index.PhotoIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of ids that may answer yes for an id never added (about 1% of them), never no for one
 * added: a Bloom filter that grows by adding filters twice the size of the last as it fills, so it
 * needs no size up front (about 1.2 bytes an id). One thread.
 */
final class IdFilter {

    /** Ids the first filter holds before the next is added. */
    static final int FIRST_CAPACITY = 1 << 16;
    private static final int BITS_PER_ID = 10;
    private static final int HASHES = 7;

    private final List<long[]> filters = new ArrayList<>();
    private int capacity;
    private int inLast;

    /** Adds {@code id}. */
    void add(String id) {
        if (filters.isEmpty() || inLast >= capacity) {
            capacity = filters.isEmpty() ? FIRST_CAPACITY : capacity * 2;
            filters.add(new long[(int) ((long) capacity * BITS_PER_ID / 64)]);
            inLast = 0;
        }
        long[] bits = filters.get(filters.size() - 1);
        long h = PhotoIndex.hash(id);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        long size = bits.length * 64L;
        for (int i = 0; i < HASHES; i++) {
            long bit = ((h1 + (long) i * h2) & Long.MAX_VALUE) % size;
            bits[(int) (bit >>> 6)] |= 1L << bit;
        }
        inLast++;
    }

    /** False when {@code id} was never added; true when it was, and for about 1% of the others. */
    boolean mightContain(String id) {
        if (filters.isEmpty()) {
            return false;
        }
        long h = PhotoIndex.hash(id);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        for (long[] bits : filters) {
            if (allSet(bits, h1, h2)) {
                return true;
            }
        }
        return false;
    }

    /** Forgets every id. */
    void clear() {
        filters.clear();
        capacity = 0;
        inLast = 0;
    }

    private static boolean allSet(long[] bits, int h1, int h2) {
        long size = bits.length * 64L;
        for (int i = 0; i < HASHES; i++) {
            long bit = ((h1 + (long) i * h2) & Long.MAX_VALUE) % size;
            if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }
}
