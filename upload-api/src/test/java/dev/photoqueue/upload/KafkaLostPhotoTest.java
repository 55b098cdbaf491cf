package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.kafka.EmbeddedKafka;
import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At-most-once on Kafka (a real broker in the test JVM): a worker that dies mid-photo loses it. The
 * status view sees the worker's member leave the consumer group (Kafka's consumer protocol, after
 * the member's poll interval) with the delivery it announced still open, and shows the photo
 * {@code LOST} with the reason; its journey ends {@code delivered, crashed, lost}.
 */
@ExtendWith(EmbeddedKafka.class)
class KafkaLostPhotoTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void aPhotoHeldAtMostOnceByAWorkerThatDiesIsShownLostWithItsJourney() {
        try (RunningApp running = RunningApp.start(Map.of("QUEUE_BACKEND", "kafka", "KAFKA_BOOTSTRAP_SERVERS",
                EmbeddedKafka.bootstrapServers(), "WORKERS", "1", "PARTITIONS", "1", "SESSION_TIMEOUT_MS", "3000"))) {
            TestClient client = running.client;
            HttpResponse<String> set = client.admin("PUT", "/api/settings", "{\"delivery\":\"at-most-once\"}");
            assertEquals(200, set.statusCode(), set.body());
            long restarts = client.await("/api/workers", w -> w.get("count").asInt() == 1, WAIT).get("restarts")
                    .asLong();
            HttpResponse<String> armed = client.admin("PUT", "/api/chaos",
                    "{\"crashes\":1,\"point\":\"mid-photo\",\"mode\":\"thread\"}");
            assertEquals(200, armed.statusCode(), armed.body());

            HttpResponse<String> up = client.upload("", Map.of(), Part.file("file", "lose-me.jpg",
                    TestClient.sample("FreshFlower.jpg")), Part.field("user", "grace"));
            assertEquals(202, up.statusCode(), up.body());
            String id = json(up).get("id").asText();

            JsonNode lost = client.await("/api/photos/" + id, p -> p.get("status").asText().equals("LOST"), WAIT);
            assertTrue(lost.get("error").asText().contains("at-most-once"), lost.toString());
            JsonNode journey = client.await("/api/photos/" + id + "/journey", j -> j.get("steps").size() >= 4, WAIT);
            List<String> steps = new ArrayList<>();
            journey.get("steps").forEach(step -> steps.add(step.get("what").asText()));
            assertEquals(List.of("uploaded", "delivered", "crashed", "lost"), steps, journey.toString());
            assertEquals("at-most-once", journey.get("steps").get(1).get("guarantee").asText());
            client.await("/api/workers", w -> w.get("restarts").asLong() > restarts && w.get("count").asInt() == 1,
                    WAIT);
        }
    }
}
