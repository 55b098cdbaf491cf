package dev.photoqueue.queue.kafka;

import dev.photoqueue.queue.api.AutoOffsetReset;
import dev.photoqueue.queue.api.ConsumptionMode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.QueueBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a SHARED member's settings become a Kafka share group's, and how the group's position is read back. */
@ExtendWith(EmbeddedKafka.class)
class ShareGroupSettingsTest {

    @Test
    void settingsMapToShareGroupConfigsWithKafkasFloors() {
        GroupConsumerConfig config = GroupConsumerConfig.builder("g").mode(ConsumptionMode.SHARED)
                .visibilityTimeoutMs(300).maxDeliveries(3).maxInFlightPerPartition(3)
                .autoOffsetReset(AutoOffsetReset.LATEST).build();
        Map<String, String> settings = ShareGroupSettings.of(config);
        assertEquals("1000", settings.get("share.record.lock.duration.ms"), "Kafka locks for 1 s at least");
        assertEquals("4", settings.get("share.delivery.count.limit"), "one delivery past the maximum, to dead-letter it");
        assertEquals("100", settings.get("share.partition.max.record.locks"), "Kafka's lock limit is 100 at least");
        assertEquals("latest", settings.get("share.auto.offset.reset"));
        assertEquals("read_committed", settings.get("share.isolation.level"));
    }

    @Test
    void settingsAboveTheFloorsPassUnchanged() {
        GroupConsumerConfig config = GroupConsumerConfig.builder("g").mode(ConsumptionMode.SHARED)
                .visibilityTimeoutMs(45_000).maxInFlightPerPartition(500).build();
        Map<String, String> settings = ShareGroupSettings.of(config);
        assertEquals("45000", settings.get("share.record.lock.duration.ms"));
        assertEquals("500", settings.get("share.partition.max.record.locks"));
        assertEquals("6", settings.get("share.delivery.count.limit"));
        assertEquals("earliest", settings.get("share.auto.offset.reset"));
    }

    @Test
    void positionIsTheEndWhenNothingIsLeftElseThePersistedStartOffset() {
        assertEquals(10, ShareGroupAdmin.position(9, 10, 0), "all done: the end, past the lagging start offset");
        assertEquals(4, ShareGroupAdmin.position(4, 10, 5), "some not done: never past the persisted start offset");
        assertEquals(4, ShareGroupAdmin.position(4, 10, 6));
        assertEquals(-1, ShareGroupAdmin.position(-1, 10, 10), "no start offset yet");
    }

    @Test
    void maxDeliveriesAboveTheBrokersCapIsRefusedNamingTheValues() {
        String run = EmbeddedKafka.uniqueSuffix();
        try (QueueBackend backend = EmbeddedKafka.openBackend()) {
            String topic = "t-cap-" + run;
            backend.admin().createTopic(new NewTopic(topic, 1));
            // The test broker caps share.delivery.count.limit at 25 (group.share.max.delivery.count.limit).
            try (GroupConsumer c = backend.groupConsumer(GroupConsumerConfig.builder("g-cap-" + run)
                    .mode(ConsumptionMode.SHARED).maxDeliveries(30).build())) {
                InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> c.subscribe(List.of(topic)));
                assertTrue(e.getMessage().contains("maxDeliveries 30") && e.getMessage().contains("31"),
                        e.getMessage());
            }
        }
    }
}
