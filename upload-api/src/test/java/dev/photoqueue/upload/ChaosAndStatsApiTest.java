package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chaos switch and the idempotent-versus-not counters on a real server with one embedded
 * worker: a photo whose name matches the chaos pattern kills its worker after its event went out
 * and before its ack; a new worker takes the job once the silent one's session expired and
 * publishes a second event; {@code /api/stats} then counts that photo twice one way and once the
 * other.
 */
class ChaosAndStatsApiTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RunningApp running;
    static TestClient client;

    @BeforeAll
    static void start() {
        // short enough that a killed worker's job moves on quickly, long enough that a live worker
        // stalled by a loaded machine keeps its job
        running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "1", "SESSION_TIMEOUT_MS", "3000"));
        client = running.client;
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void aPhotoThatKillsItsWorkerIsCountedTwiceByEventsAndOnceByDistinctIds() {
        HttpResponse<String> set = client.admin("PUT", "/api/chaos", "{\"namePattern\":\"^kill-\",\"mode\":\"thread\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("^kill-", json(set).get("namePattern").asText());

        HttpResponse<String> up = client.upload("", Map.of(), Part.file("file", "kill-me.jpg",
                TestClient.sample("GreenMeadow.jpg")), Part.field("user", "ada"));
        assertEquals(202, up.statusCode(), up.body());
        client.await("/api/workers", w -> w.get("count").asInt() == 0, WAIT);

        client.admin("PUT", "/api/chaos", "{\"namePattern\":null}");
        assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":1}").statusCode());
        JsonNode stats = client.await("/api/stats", s -> s.get("users").size() == 1
                && s.get("users").get(0).get("counted").asInt() == 2, WAIT);
        JsonNode ada = stats.get("users").get(0);
        assertEquals("ada", ada.get("userId").asText());
        assertEquals(2, ada.get("counted").asInt(), "one event per delivery: not idempotent");
        assertEquals(1, ada.get("distinct").asInt(), "one photo id: idempotent");
        String id = json(up).get("id").asText();
        assertEquals("DONE", client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT)
                .get("status").asText());
    }

    @Test
    void atMostOnceLosesThePhotoOfACrashedWorkerInsteadOfDeliveringItAgain() {
        HttpResponse<String> set = client.admin("PUT", "/api/settings", "{\"delivery\":\"at-most-once\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("at-most-once", json(set).get("delivery").asText());
        try {
            client.await("/api/workers", w -> w.get("count").asInt() == 1, WAIT);
            client.admin("PUT", "/api/chaos", "{\"namePattern\":\"^lose-\"}");
            HttpResponse<String> up = client.upload("", Map.of(), Part.file("file", "lose-me.jpg",
                    TestClient.sample("FreshFlower.jpg")), Part.field("user", "grace"));
            assertEquals(202, up.statusCode(), up.body());
            client.await("/api/workers", w -> w.get("count").asInt() == 0, WAIT);
            client.admin("PUT", "/api/chaos", "{\"namePattern\":null}");
            client.admin("PUT", "/api/workers", "{\"count\":1}");
            client.await("/api/stats", s -> count(s, "grace") == 1, WAIT);
            // A marker behind it on the one partition: the new worker gets the partition once the
            // crashed member's session (3 s) ran out, and reads on from the committed position.
            // At-least-once would hand it the lost job again before the marker, and its event would
            // precede the marker's on the one partition of photo.events that the stats read in order.
            HttpResponse<String> marker = client.upload("", Map.of(), Part.file("file", "marker.jpg",
                    TestClient.sample("GreenMeadow.jpg")), Part.field("user", "marker"));
            assertEquals(202, marker.statusCode(), marker.body());
            JsonNode stats = client.await("/api/stats", s -> count(s, "marker") == 1, WAIT);
            assertEquals(1, count(stats, "grace"), "handed out once, never again: " + stats);
        } finally {
            client.admin("PUT", "/api/settings", "{\"delivery\":\"at-least-once\"}");
        }
    }

    private static int count(JsonNode stats, String user) {
        for (JsonNode u : stats.get("users")) {
            if (u.get("userId").asText().equals(user)) {
                return u.get("counted").asInt();
            }
        }
        return 0;
    }

    @Test
    void crashNamesAnExistingWorkerAndAMode() {
        assertError(client.admin("POST", "/api/workers/nobody/crash", ""), 404, "not_found");
        String worker = client.await("/api/workers", w -> w.get("count").asInt() >= 1, WAIT)
                .get("workers").get(0).asText();
        assertError(client.admin("POST", "/api/workers/" + worker + "/crash", "{\"mode\":\"sometimes\"}"), 400,
                "bad_request");
        assertError(client.admin("PUT", "/api/chaos", "{\"probability\":2}"), 400, "bad_request");
        assertError(client.admin("PUT", "/api/chaos", "{\"namePattern\":\"(\"}"), 400, "bad_request");
    }
}
