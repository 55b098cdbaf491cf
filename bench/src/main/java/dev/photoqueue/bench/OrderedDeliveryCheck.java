package dev.photoqueue.bench;

import dev.photoqueue.queue.api.ConsumerRecord;

import java.util.Arrays;

/**
 * What one member must see in a run without failures or rebalances on a fresh topic: every
 * partition it reads from offset 0, each record once, in offset order, with its 100-byte value.
 * A gap, a repeat or a partition that arrives mid-stream (it moved from another member) fails the
 * run, so a figure is only reported for runs where every record was delivered exactly as sent.
 * Cheap per record (an array slot per partition, no map), since it runs inside the measured time.
 * Not thread-safe: one member's thread uses it.
 */
final class OrderedDeliveryCheck {

    private final String member;
    private final String topic;
    private final int valueSize;
    /** The next offset expected, by partition number. */
    private long[] next = new long[0];

    OrderedDeliveryCheck(String member, String topic, int valueSize) {
        this.member = member;
        this.topic = topic;
        this.valueSize = valueSize;
    }

    void check(ConsumerRecord record) {
        int partition = record.partition();
        if (partition >= next.length) {
            next = Arrays.copyOf(next, partition + 1);
        }
        long expected = next[partition];
        if (record.offset() != expected || !topic.equals(record.topic())) {
            throw new IllegalStateException("member " + member + " got " + record.topicPartition() + " offset "
                    + record.offset() + ", expected " + topic + "-" + partition + " offset " + expected
                    + ": a record was lost or repeated, or the partition moved during the run");
        }
        if (record.deliveryCount() != 1 || record.value() == null || record.value().length != valueSize) {
            throw new IllegalStateException("member " + member + " expected a first delivery of " + valueSize
                    + " bytes, got " + record);
        }
        next[partition] = expected + 1;
    }
}
