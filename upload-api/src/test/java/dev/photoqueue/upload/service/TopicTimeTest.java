package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How far in time a topic is read: its least far partition still giving records. */
class TopicTimeTest {

    /** Records of one partition at the given timestamps. */
    private static List<ConsumerRecord> of(int partition, long... timestamps) {
        List<ConsumerRecord> records = new ArrayList<>();
        for (long at : timestamps) {
            records.add(new ConsumerRecord("t", partition, at, at, null, new byte[0], List.of()));
        }
        return records;
    }

    @Test
    void aTopicIsAsFarAsItsPartitionReadLeastFar() {
        TopicTime time = new TopicTime(3);
        assertEquals(Long.MIN_VALUE, time.at(), "nothing read yet");
        time.read(of(0, 100, 400));
        assertEquals(Long.MIN_VALUE, time.at(), "partitions 1 and 2 not read yet");
        time.read(of(1, 200, 300));
        List<ConsumerRecord> two = new ArrayList<>(of(2, 150));
        two.addAll(of(0, 500)); // one poll may serve several partitions
        time.read(two);
        assertEquals(150, time.at());
        time.read(of(2, 600));
        assertEquals(300, time.at(), "partition 1 is now the least far");
    }

    @Test
    void aPartitionQuietForARoundOfPollsNoLongerHoldsTheTopicBack() {
        TopicTime time = new TopicTime(2);
        time.read(of(0, 100));
        time.read(of(1, 50)); // partition 0 quiet for 1 poll: still counted
        assertEquals(50, time.at());
        time.read(of(0, 200)); // partition 1 quiet for 1 poll
        assertEquals(50, time.at());
        time.read(of(0, 300)); // partition 1 quiet for 2 polls, as many as the topic has partitions
        assertEquals(300, time.at(), "partition 1 taken as read to its end");
        time.read(of(1, 60));
        assertEquals(60, time.at(), "it counts again once it gives records");
        time.read(List.of());
        time.read(List.of());
        assertEquals(300, time.at(), "every partition quiet: as far as the furthest");
    }

    @Test
    void resetForgetsWhatWasRead() {
        TopicTime time = new TopicTime(1);
        time.read(of(0, 100));
        assertEquals(100, time.at());
        time.reset();
        assertEquals(Long.MIN_VALUE, time.at());
    }

    @Test
    void aTopicWithoutPartitionsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopicTime(0));
        assertTrue(e.getMessage().contains("was 0"), e.getMessage());
    }
}
