package dev.photoqueue.queue.api;

/**
 * Key-to-partition mapping shared by every backend. It is Kafka's default partitioner for keyed
 * records ({@code toPositive(murmur2(key)) % partitions}), so a key lands on the same partition
 * number whichever backend stores it, and moving from the in-house log to Kafka keeps per-key order.
 */
public final class Partitioners {

    private Partitioners() {
    }

    /** The partition for a non-null key among {@code partitionCount} partitions. */
    public static int forKey(byte[] key, int partitionCount) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null; unkeyed records are spread by the producer");
        }
        if (partitionCount <= 0) {
            throw new IllegalArgumentException("partitionCount must be > 0, was " + partitionCount);
        }
        return (murmur2(key) & 0x7fffffff) % partitionCount;
    }

    /** 32-bit MurmurHash2 with Kafka's seed, bit for bit as Kafka's {@code Utils.murmur2}. */
    @SuppressWarnings("fallthrough") // the tail bytes are mixed in cascade, as the algorithm defines
    public static int murmur2(byte[] data) {
        final int length = data.length;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = 0x9747b28c ^ length;
        final int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int i4 = i * 4;
            int k = (data[i4] & 0xff) | ((data[i4 + 1] & 0xff) << 8)
                    | ((data[i4 + 2] & 0xff) << 16) | ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = length & ~3;
        switch (length % 4) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
