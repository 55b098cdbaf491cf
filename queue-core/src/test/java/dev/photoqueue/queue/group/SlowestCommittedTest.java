package dev.photoqueue.queue.group;

import dev.photoqueue.queue.api.OffsetSpec;
import dev.photoqueue.queue.api.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link GroupCoordinator#slowestCommitted}: -1 without a group, else the smallest position any group has. */
class SlowestCommittedTest {

    private static final String TOPIC = "jobs";

    @Test
    void slowestCommittedIsTheSmallestPositionAmongTheGroupsOnThatPartition() {
        FixedPartitionSource source = new FixedPartitionSource().topic(TOPIC, 2, 100).topic("other", 1, 100);
        try (GroupCoordinator coordinator = new GroupCoordinator(source, new InMemoryGroupStateStore(), () -> {
        }, System::nanoTime)) {
            TopicPartition p0 = new TopicPartition(TOPIC, 0);
            TopicPartition p1 = new TopicPartition(TOPIC, 1);
            assertEquals(-1, coordinator.slowestCommitted(p0), "no group yet");

            coordinator.reset("fast", TOPIC, OffsetSpec.offset(90));
            assertEquals(90, coordinator.slowestCommitted(p0));
            coordinator.reset("slow", TOPIC, OffsetSpec.offset(30));
            assertEquals(30, coordinator.slowestCommitted(p0));
            assertEquals(30, coordinator.slowestCommitted(p1));
            coordinator.reset("slow", TOPIC, OffsetSpec.latest());
            assertEquals(90, coordinator.slowestCommitted(p1), "the slow group caught up");
            assertEquals(-1, coordinator.slowestCommitted(new TopicPartition("other", 0)), "no group reads other");
        }
    }
}
