package dev.photoqueue.bench;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;

import java.nio.file.Path;

/**
 * The {@code log} family's peer: a Chronicle Queue (a memory-mapped append-only queue) on its own
 * directory, written and read the cheapest documented way, {@code writeBytes} of one byte store
 * wrapped around the value once, and {@code readBytes} into one reused buffer, so the peer pays
 * no allocation per record. An append has returned once the record is in the mapped file (the
 * OS writes it out; Chronicle never forces): what the in-house log's acknowledgement under
 * {@code fsync=interval} promises too, less the force every {@code flush.ms}. Not thread-safe:
 * one benchmark thread drives it. Closing closes the queue; the caller deletes the dir.
 *
 * <p>Chronicle sends usage analytics unless told not to: {@link #disableAnalytics} must run
 * before the first Chronicle class loads, which {@link Bench#main} does first thing.
 */
final class ChronicleLog implements AutoCloseable {

    private final ChronicleQueue queue;

    private ChronicleLog(ChronicleQueue queue) {
        this.queue = queue;
    }

    /** Keeps Chronicle from reaching the network; effective only before any Chronicle class loads. */
    static void disableAnalytics() {
        System.setProperty("chronicle.analytics.disable", "true");
    }

    static ChronicleLog open(Path dir) {
        return new ChronicleLog(ChronicleQueue.singleBuilder(dir).build());
    }

    /** Appends {@code count} records of {@code value} from this thread, one excerpt each. */
    void append(long count, byte[] value) {
        BytesStore<?, ?> store = BytesStore.wrap(value);
        try (ExcerptAppender appender = queue.createAppender()) {
            for (long i = 0; i < count; i++) {
                appender.writeBytes(store);
            }
        }
    }

    /**
     * Reads the first {@code count} records with a new tailer from the start, checking that each
     * is there and holds {@code size} bytes; fails naming the record that is missing or wrong.
     */
    void read(long count, int size) {
        Bytes<?> into = Bytes.allocateElasticOnHeap(size * 2);
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (long i = 0; i < count; i++) {
                into.clear();
                if (!tailer.readBytes(into)) {
                    throw new IllegalStateException("Chronicle Queue ended after " + i + " of " + count + " records");
                }
                if (into.readRemaining() != size) {
                    throw new IllegalStateException("Chronicle Queue record " + i + " holds " + into.readRemaining()
                            + " bytes, expected " + size);
                }
            }
        } finally {
            into.releaseLast();
        }
    }

    /**
     * As {@link #read}, but each record ends in a {@code byte[]} of its own, as a queue consumer
     * that keeps its records (and the in-house {@code poll}) hands them out: the like-for-like
     * figure, showing what one allocation and copy per record costs.
     */
    long readOwned(long count, int size) {
        Bytes<?> into = Bytes.allocateElasticOnHeap(size * 2);
        long checksum = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (long i = 0; i < count; i++) {
                into.clear();
                if (!tailer.readBytes(into)) {
                    throw new IllegalStateException("Chronicle Queue ended after " + i + " of " + count + " records");
                }
                byte[] value = into.toByteArray();
                if (value.length != size) {
                    throw new IllegalStateException("Chronicle Queue record " + i + " holds " + value.length
                            + " bytes, expected " + size);
                }
                checksum += value[0];
            }
        } finally {
            into.releaseLast();
        }
        return checksum;
    }

    @Override
    public void close() {
        queue.close();
    }
}
