package dev.photoqueue.worker.image;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap all decodes of one process may hold at once, in bytes. A render reserves its estimated
 * peak ({@link HeapEstimate}) from the header, before a pixel is decoded, and gives it back when its
 * variants are made; so however many workers and sync uploads run, their decoded images together
 * stay within the budget, and the rest of the heap is left for what the budget does not count.
 *
 * <p>Three outcomes: a reservation that fits what is free proceeds at once; one that fits the budget
 * but not what is free now waits ({@link #reserve}) or is refused ({@link #tryReserve}); one larger
 * than the whole budget can never proceed and is a {@link TooLargeForHeapException}, a permanent
 * failure of the photo. Waiting is first come, first served: a large reservation at the head of the
 * line is not overtaken by small ones behind it, so it is not starved. Thread-safe.
 *
 * <p>{@link #shared()}, the budget every pipeline of the process uses unless given another, is
 * {@value #HEAP_SHARE_PERCENT}% of {@link Runtime#maxMemory()}. The other half is for what is not
 * reserved: each job's original bytes while it waits (up to {@code max.source.bytes}), the reused
 * decode buffers and scratch images ({@link DecodeBuffers}, {@link ScratchImages}: at most 72 MB
 * and a sixteenth of the heap), the queue's and the upload API's own objects, and the collector's
 * room: G1 places every decoded image of more than half a region in contiguous free regions, which
 * a heap filled to the brim cannot offer.
 */
public final class DecodeBudget {

    static final int HEAP_SHARE_PERCENT = 50;
    /** Reservations are counted in KiB so that a budget of terabytes fits a semaphore's int permits. */
    private static final long UNIT = 1024;

    private static final DecodeBudget SHARED =
            new DecodeBudget(Runtime.getRuntime().maxMemory() / 100 * HEAP_SHARE_PERCENT);

    private final long totalUnits;
    private final Semaphore free;
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    /** A budget of {@code bytes} (rounded down to whole KiB). */
    DecodeBudget(long bytes) {
        if (bytes < UNIT || bytes / UNIT > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a decode budget must be 1 KiB to 2 TiB, was " + bytes + " bytes");
        }
        this.totalUnits = bytes / UNIT;
        this.free = new Semaphore((int) totalUnits, true);
    }

    /** The budget of this process, {@value #HEAP_SHARE_PERCENT}% of the heap. */
    public static DecodeBudget shared() {
        return SHARED;
    }

    public long totalBytes() {
        return totalUnits * UNIT;
    }

    /** Bytes reserved now by renders in progress. */
    public long reservedBytes() {
        return (totalUnits - free.availablePermits()) * UNIT;
    }

    /** How many reservations have had to wait for others to give heap back, since start. */
    public long waits() {
        return waits.get();
    }

    /** How many reservations {@link #tryReserve} refused for want of free heap, since start. */
    public long refusals() {
        return refusals.get();
    }

    /** Reservations waiting now. */
    int waiting() {
        return free.getQueueLength();
    }

    /**
     * Reserves {@code bytes} for the decode of the photo whose header is {@code header}, waiting
     * (interruptibly, in turn) while others hold too much. {@link TooLargeForHeapException} at once
     * when {@code bytes} is more than the whole budget.
     */
    public Reservation reserve(String photoId, ImageHeader header, long bytes) throws InterruptedException {
        int units = units(photoId, header, bytes);
        if (!free.tryAcquire(units, 0, TimeUnit.NANOSECONDS)) {
            waits.incrementAndGet();
            free.acquire(units);
        }
        return new Reservation(units);
    }

    /**
     * Reserves {@code bytes} if they are free now and nobody waits ahead; empty otherwise. Never
     * waits. {@link TooLargeForHeapException} when {@code bytes} is more than the whole budget.
     */
    public Optional<Reservation> tryReserve(String photoId, ImageHeader header, long bytes) {
        int units = units(photoId, header, bytes);
        boolean taken;
        try {
            taken = free.tryAcquire(units, 0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taken = false;
        }
        if (!taken) {
            refusals.incrementAndGet();
            return Optional.empty();
        }
        return Optional.of(new Reservation(units));
    }

    private int units(String photoId, ImageHeader header, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("photo " + photoId + ": a reservation of " + bytes + " bytes");
        }
        long units = (bytes + UNIT - 1) / UNIT;
        if (units > totalUnits) {
            throw new TooLargeForHeapException(photoId, header, bytes, totalBytes());
        }
        return (int) units;
    }

    /** Heap reserved for one decode; {@link #close} gives it back, once. Closed by the thread that took it. */
    public final class Reservation implements AutoCloseable {

        private final int units;
        private boolean closed;

        private Reservation(int units) {
            this.units = units;
        }

        public long bytes() {
            return units * UNIT;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                free.release(units);
            }
        }
    }
}
