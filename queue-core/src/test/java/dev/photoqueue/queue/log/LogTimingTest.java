package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.LogTimingListener;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.photoqueue.queue.log.LogTestSupport.await;
import static dev.photoqueue.queue.log.LogTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timing hook of the log: a bound listener hears of every batch written and every force, on
 * the partition it happened to, before the sends of the batch complete; an unbound one hears of
 * nothing.
 */
class LogTimingTest {

    @TempDir
    Path dir;

    /** What a listener was told, in order. */
    private static final class Recorder implements LogTimingListener {
        record Written(TopicPartition partition, int records, long nanos) {
        }

        final List<Written> written = new CopyOnWriteArrayList<>();
        final List<TopicPartition> forced = new CopyOnWriteArrayList<>();

        @Override
        public void batchWritten(TopicPartition partition, int records, long nanos) {
            assertTrue(nanos >= 0, "a duration: " + nanos);
            written.add(new Written(partition, records, nanos));
        }

        @Override
        public void forced(TopicPartition partition, long nanos) {
            assertTrue(nanos >= 0, "a duration: " + nanos);
            forced.add(partition);
        }

        int recordsWritten() {
            return written.stream().mapToInt(Written::records).sum();
        }
    }

    @Test
    void fsyncAlwaysTopicReportsEveryBatchWrittenAndItsForce() {
        Recorder timings = new Recorder();
        try (LogManager manager = LogManager.open(dir)) {
            manager.timeWith(timings);
            PartitionLog log = manager.createTopic("jobs", 2, Map.of(TopicConfigs.FSYNC, "always")).partition(1);
            for (int i = 0; i < 3; i++) {
                await(log.append(i, bytes("k"), bytes("v" + i), List.of()));
            }
            TopicPartition tp = new TopicPartition("jobs", 1);
            assertEquals(3, timings.recordsWritten(), "every record was in a batch told of: " + timings.written);
            assertTrue(timings.written.stream().allMatch(w -> w.partition().equals(tp)), timings.written.toString());
            assertEquals(timings.written.size(), timings.forced.size(), "one force per batch under fsync=always");
            assertTrue(timings.forced.stream().allMatch(tp::equals), timings.forced.toString());
        }
    }

    @Test
    void lazyTopicReportsWritesAndOnlyTheForcesThatRan() {
        Recorder timings = new Recorder();
        try (LogManager manager = LogManager.open(dir)) {
            manager.timeWith(timings);
            PartitionLog log = manager.createTopic("events", 1, Map.of(TopicConfigs.FSYNC, "never")).partition(0);
            await(log.append(1, null, bytes("a"), List.of()));
            await(log.append(2, null, bytes("b"), List.of()));
            assertEquals(2, timings.recordsWritten());
            assertEquals(List.of(), timings.forced, "fsync=never forces nothing on its own");

            log.flush();
            assertEquals(List.of(new TopicPartition("events", 0)), timings.forced, "an explicit flush is a force");
        }
    }

    @Test
    void unboundListenerHearsNothingMore() {
        Recorder timings = new Recorder();
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("jobs", 1, Map.of(TopicConfigs.FSYNC, "always")).partition(0);
            manager.timeWith(timings);
            await(log.append(1, null, bytes("timed"), List.of()));
            int told = timings.written.size() + timings.forced.size();
            assertEquals(2, told, "one write, one force: " + timings.written + " " + timings.forced);

            manager.timeWith(null);
            await(log.append(2, null, bytes("not timed"), List.of()));
            log.flush();
            assertEquals(told, timings.written.size() + timings.forced.size());
        }
    }
}
