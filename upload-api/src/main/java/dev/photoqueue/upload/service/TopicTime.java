package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.ConsumerRecord;

import java.util.Arrays;
import java.util.List;

/**
 * How far in time one topic has been read, for reading several topics in time order: as far as
 * its partition read least far, among those that still give records. A poll serves a few
 * partitions at a time, so the last record polled says how far that partition is read, not the
 * topic: taking the topic's least far partition keeps every partition of one topic close in time
 * to those of the others. A partition that gave no record in as many polls of its topic as the
 * topic has partitions is taken as read to its end and no longer holds the topic back, until it
 * gives records again (a consumer serves each partition with records within that many polls).
 * Not thread-safe.
 */
final class TopicTime {

    private final long[] lastAt;
    private final int[] quietPolls;

    /** A topic whose partitions are numbered below {@code partitions}, none read yet. */
    TopicTime(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least 1 partition, was " + partitions);
        }
        lastAt = new long[partitions];
        quietPolls = new int[partitions];
        reset();
    }

    /** Notes what one poll of the topic read. */
    void read(List<ConsumerRecord> records) {
        for (int p = 0; p < quietPolls.length; p++) {
            quietPolls[p]++;
        }
        for (ConsumerRecord record : records) {
            int p = record.partition();
            if (p >= 0 && p < lastAt.length) {
                lastAt[p] = record.timestamp();
                quietPolls[p] = 0;
            }
        }
    }

    /**
     * How far the topic is read: the least last timestamp of the partitions still giving records
     * ({@link Long#MIN_VALUE} for one not read yet), or the greatest of all when none is.
     */
    long at() {
        long least = Long.MAX_VALUE;
        long greatest = Long.MIN_VALUE;
        for (int p = 0; p < lastAt.length; p++) {
            greatest = Math.max(greatest, lastAt[p]);
            if (quietPolls[p] < lastAt.length) {
                least = Math.min(least, lastAt[p]);
            }
        }
        return least != Long.MAX_VALUE ? least : greatest;
    }

    /** Forgets what was read: every partition is read again from its start or a seek. */
    void reset() {
        Arrays.fill(lastAt, Long.MIN_VALUE);
        Arrays.fill(quietPolls, 0);
    }
}
