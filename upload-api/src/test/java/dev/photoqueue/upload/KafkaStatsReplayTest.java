package dev.photoqueue.upload;

import dev.photoqueue.queue.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

/**
 * {@link StatsReplayTest} on Kafka (a real broker in the test JVM, shared with the other tests of
 * the run). Kafka moves a group's positions only while it has no members, and the app's own stats
 * consumer is one: without its pause the reset is refused and the replay answers 500. The counts
 * are of a user of the test's own, so the events other tests left on {@code photo.events}, and the
 * positions they left to the {@code stats} group (which a start moves to the beginning), change
 * nothing.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaStatsReplayTest {

    @Test
    void aReplayOfTheStatsGroupCountsThePhotosFromItsStartAgain() {
        StatsReplayTest.assertStatsCountAgainFromTheReplay(Map.of("QUEUE_BACKEND", "kafka",
                "KAFKA_BOOTSTRAP_SERVERS", EmbeddedKafka.bootstrapServers()));
    }
}
