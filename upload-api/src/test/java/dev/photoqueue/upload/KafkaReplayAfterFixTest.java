package dev.photoqueue.upload;

import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

/**
 * Replay after a bug fix on Kafka (a real broker in the test JVM): see {@link ReplayAfterFixScenario}.
 * Kafka moves a group's positions only while the group has no members, so this is where the
 * replay's pause and resume of the workers is proved: without it the reset is refused.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaReplayAfterFixTest {

    @Test
    void aReplayPausesTheWorkersMovesTheGroupAndResumesThemAndTheGalleryHeals() throws Exception {
        try (ReplayAfterFixScenario scenario = new ReplayAfterFixScenario(Map.of("QUEUE_BACKEND", "kafka",
                "KAFKA_BOOTSTRAP_SERVERS", EmbeddedKafka.bootstrapServers(), "PARTITIONS", "3"))) {
            scenario.run();
        }
    }
}
