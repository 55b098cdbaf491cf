package dev.photoqueue.queue.kafka;

import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Kafka's failures in the queue's words: the action, the topic once, and Kafka's reason. */
class KafkaErrorsTest {

    private static final KafkaConfig CONFIG = KafkaConfig.parse(Map.of(KafkaConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1"));
    private static final KafkaException REFUSED = new KafkaException("refused");

    private static String message(String action, String topic) {
        return KafkaErrors.translate(REFUSED, CONFIG, action, topic).getMessage();
    }

    @Test
    void anActionThatNamesTheTopicOrOneOfItsPartitionsIsNotFollowedByTheTopicAgain() {
        assertEquals("Kafka failed to create topic photos: refused", message("create topic photos", "photos"));
        assertEquals("Kafka failed to send to photos-3: refused", message("send to photos-3", "photos"));
        assertEquals("Kafka failed to list offsets of [photos-0, photos-1]: refused",
                message("list offsets of [photos-0, photos-1]", "photos"));
        assertEquals("Kafka failed to redrive photos.dlq@7: refused", message("redrive photos.dlq@7", "photos.dlq"));
    }

    @Test
    void anActionThatDoesNotNameTheTopicIsFollowedByIt() {
        assertEquals("Kafka failed to describe the log directories (topic t): refused",
                message("describe the log directories", "t"));
        assertEquals("Kafka failed to send to photos.dlq (topic photos): refused",
                message("send to photos.dlq", "photos"));
        assertEquals("Kafka failed to list topics: refused", message("list topics", null));
    }
}
