package dev.photoqueue.bench;

import dev.photoqueue.queue.api.ConsumerRecord;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Send-to-delivery latencies of one member, in nanoseconds. The producer writes
 * {@link System#nanoTime} just before the send into the first 8 bytes of the value, and a 1 in
 * the ninth byte for records of the measured window (0 during the warm-up); producer and members
 * share the JVM, so the clocks agree. The delivery time is when poll returned the record's batch.
 * Not thread-safe: each member has its own, merged by {@link #percentiles} after the round.
 */
final class LatencySamples implements GroupMember.Observer {

    /** How many measured records were delivered, and their latency percentiles in milliseconds. */
    record Percentiles(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs) {
    }

    private final long[] nanos;
    private int count;

    LatencySamples(int capacity) {
        this.nanos = new long[capacity];
    }

    /** Fills a value for {@link #delivered} to read: send time now, and whether it is measured. */
    static byte[] stamp(byte[] value, boolean measured) {
        ByteBuffer.wrap(value).putLong(0, System.nanoTime()).put(Long.BYTES, (byte) (measured ? 1 : 0));
        return value;
    }

    @Override
    public void delivered(List<ConsumerRecord> records, long receivedNanos) {
        for (ConsumerRecord r : records) {
            ByteBuffer value = ByteBuffer.wrap(r.value());
            if (value.get(Long.BYTES) == 1) {
                if (count == nanos.length) {
                    throw new IllegalStateException("more measured records delivered than the " + nanos.length
                            + " sent (at " + r + ")");
                }
                nanos[count++] = receivedNanos - value.getLong(0);
            }
        }
    }

    /** Nearest-rank percentiles over every member's samples. */
    static Percentiles percentiles(List<LatencySamples> members) {
        long[] all = members.stream().flatMapToLong(m -> Arrays.stream(m.nanos, 0, m.count)).sorted().toArray();
        if (all.length == 0) {
            throw new IllegalStateException("no measured record was delivered");
        }
        return new Percentiles(all.length, rankMs(all, 0.50), rankMs(all, 0.99), rankMs(all, 0.999),
                all[all.length - 1] / 1e6);
    }

    private static double rankMs(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
