package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.worker.job.Topics;
import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        long restarts = json(client.get("/api/workers")).get("restarts").asLong();
        HttpResponse<String> set = client.admin("PUT", "/api/chaos",
                "{\"crashes\":1,\"point\":\"after-publish\",\"mode\":\"thread\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(1, json(set).get("crashes").asInt());
        assertEquals("after-publish", json(set).get("point").asText());

        HttpResponse<String> up = client.upload("", Map.of(), Part.file("file", "kill-me.jpg",
                TestClient.sample("GreenMeadow.jpg")), Part.field("user", "ada"));
        assertEquals(202, up.statusCode(), up.body());
        JsonNode workers = client.await("/api/workers", w -> w.get("restarts").asLong() > restarts
                && w.get("count").asInt() == 1, WAIT);
        assertEquals(1, workers.get("target").asInt(), "the pool keeps the size it was given");
        JsonNode stats = client.await("/api/stats", s -> count(s, "ada") == 2, WAIT);
        JsonNode ada = user(stats, "ada");
        assertEquals(2, ada.get("counted").asInt(), "one event per delivery: not idempotent");
        assertEquals(1, ada.get("distinct").asInt(), "one photo id: idempotent");
        assertEquals(1, ada.get("redelivered").asInt(), "the extra event came from a redelivery");
        assertEquals(0, ada.get("replayed").asInt(), "no replay or redrive here");
        String id = json(up).get("id").asText();
        JsonNode photo = client.await("/api/photos/" + id, p -> p.get("duplicate").asBoolean(), WAIT);
        assertEquals("DONE", photo.get("status").asText());
        assertEquals(2, photo.get("attempts").asInt());
        // how the first delivery ended is told once the group's members were read after the redelivery
        JsonNode journey = client.await("/api/photos/" + id + "/journey", j -> j.get("steps").size() == 6, WAIT);
        assertEquals(id, journey.get("id").asText());
        assertEquals(List.of("uploaded", "delivered", "processed", "crashed", "delivered", "processed"),
                whats(journey), journey.toString());
        JsonNode crashed = journey.get("steps").get(3);
        assertTrue(crashed.get("reason").asText().contains("before acking"), crashed.toString());
        assertEquals(1, crashed.get("delivery").asInt());
        assertEquals(2, journey.get("steps").get(4).get("delivery").asInt());
        assertFalse(journey.get("steps").get(2).get("duplicate").asBoolean());
        assertTrue(journey.get("steps").get(5).get("duplicate").asBoolean(), "the second run found the variants");
        assertTrue(Instant.parse(journey.get("steps").get(0).get("at").asText()).isBefore(Instant.now()));
        assertError(client.get("/api/photos/nobody/journey"), 404, "not_found");
    }

    @Test
    void aPhotoThatKillsItsWorkerOnEveryDeliveryShowsEachCrashAndThenWhyItWasDeadLettered() {
        HttpResponse<String> set = client.admin("PUT", "/api/chaos",
                "{\"crashes\":5,\"point\":\"after-publish\",\"mode\":\"thread\"}");
        assertEquals(200, set.statusCode(), set.body());
        try {
            HttpResponse<String> up = client.upload("", Map.of(), Part.file("file", "poison.jpg",
                    TestClient.sample("GreenMeadow.jpg")), Part.field("user", "hopper"));
            assertEquals(202, up.statusCode(), up.body());
            String id = json(up).get("id").asText();
            // each of the 5 deliveries (MAX_DELIVERIES) published its outcome and died before its ack; each
            // crash costs a session timeout and a restart delay, so the bound is five of WAIT on a busy machine
            JsonNode photo = client.await("/api/photos/" + id, p -> p.get("deadLettered").asBoolean(),
                    WAIT.multipliedBy(5));
            assertEquals("DONE", photo.get("status").asText(), "its variants exist: " + photo);
            assertEquals(5, photo.get("attempts").asInt(), photo.toString());
            JsonNode journey = client.await("/api/photos/" + id + "/journey",
                    j -> whats(j).stream().filter("crashed"::equals).count() == 5, WAIT.multipliedBy(5));
            List<String> expected = new ArrayList<>(List.of("uploaded"));
            for (int delivery = 1; delivery <= 5; delivery++) {
                expected.addAll(List.of("delivered", "processed", "crashed"));
            }
            expected.add("dead-lettered");
            assertEquals(expected, whats(journey), journey.toString());
            JsonNode steps = journey.get("steps");
            for (int delivery = 1; delivery <= 5; delivery++) {
                JsonNode crashed = steps.get(3 * delivery);
                assertEquals(delivery, crashed.get("delivery").asInt(), crashed.toString());
                assertTrue(crashed.get("reason").asText().contains("after publishing its outcome, before acking"),
                        crashed.toString());
            }
            assertTrue(steps.get(15).get("reason").asText().endsWith("; it was the job's last delivery, so the "
                    + "job was dead-lettered"), steps.get(15).toString());
            JsonNode dead = steps.get(16);
            assertEquals(5, dead.get("deliveries").asInt(), dead.toString());
            assertTrue(dead.get("reason").asText().contains("no acknowledgement in 5 deliveries"), dead.toString());
        } finally {
            client.admin("PUT", "/api/chaos", "{\"crashes\":0}");
        }
    }

    private static List<String> whats(JsonNode journey) {
        List<String> out = new ArrayList<>();
        journey.get("steps").forEach(step -> out.add(step.get("what").asText()));
        return out;
    }

    @Test
    void atMostOnceLosesThePhotoOfACrashedWorkerInsteadOfDeliveringItAgain() {
        HttpResponse<String> set = client.admin("PUT", "/api/settings", "{\"delivery\":\"at-most-once\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("at-most-once", json(set).get("delivery").asText());
        try {
            long restarts = client.await("/api/workers", w -> w.get("count").asInt() == 1, WAIT).get("restarts")
                    .asLong();
            client.admin("PUT", "/api/chaos", "{\"crashes\":1,\"point\":\"mid-photo\",\"mode\":\"thread\"}");
            HttpResponse<String> up = client.upload("", Map.of(), Part.file("file", "lose-me.jpg",
                    TestClient.sample("FreshFlower.jpg")), Part.field("user", "grace"));
            assertEquals(202, up.statusCode(), up.body());
            client.await("/api/workers", w -> w.get("restarts").asLong() > restarts && w.get("count").asInt() == 1,
                    WAIT);
            // A marker behind it on the one partition: the new worker gets the partition once the
            // crashed member's session (3 s) ran out, and reads on from the committed position.
            // At-least-once would hand it the lost job again before the marker, and its event would
            // precede the marker's on the one partition of photo.events that the stats read in order.
            HttpResponse<String> marker = client.upload("", Map.of(), Part.file("file", "marker.jpg",
                    TestClient.sample("GreenMeadow.jpg")), Part.field("user", "marker"));
            assertEquals(202, marker.statusCode(), marker.body());
            JsonNode stats = client.await("/api/stats", s -> count(s, "marker") == 1, WAIT);
            assertEquals(0, count(stats, "grace"), "handed out once, died with its worker, never again: " + stats);
            String id = json(up).get("id").asText();
            JsonNode lost = client.await("/api/photos/" + id, p -> p.get("status").asText().equals("LOST"), WAIT);
            assertTrue(lost.get("error").asText().contains("at-most-once"), lost.toString());
            JsonNode journey = client.await("/api/photos/" + id + "/journey", j -> j.get("steps").size() >= 4, WAIT);
            assertEquals(List.of("uploaded", "delivered", "crashed", "lost"), whats(journey), journey.toString());
            assertEquals("at-most-once", journey.get("steps").get(1).get("guarantee").asText());
        } finally {
            client.admin("PUT", "/api/settings", "{\"delivery\":\"at-least-once\"}");
            // the switch is done once the retiring at-most-once worker has left: a job handed to it
            // before then is run at-most-once, and the next test's jobs must meet an at-least-once worker
            String worker = client.await("/api/workers", w -> w.get("count").asInt() == 1, WAIT).get("workers")
                    .get(0).asText();
            client.await("/api/queue", queue -> onlyThumbnailer(queue, worker), WAIT);
        }
    }

    /** Whether {@code worker} is the one member of the thumbnailers group in the queue snapshot. */
    private static boolean onlyThumbnailer(JsonNode queue, String worker) {
        for (JsonNode g : queue.get("groups")) {
            if (g.get("id").asText().equals(Topics.THUMBNAILERS)) {
                JsonNode members = g.get("members");
                return members.size() == 1 && members.get(0).get("clientId").asText().equals(worker);
            }
        }
        return false;
    }

    private static JsonNode user(JsonNode stats, String user) {
        for (JsonNode u : stats.get("users")) {
            if (u.get("userId").asText().equals(user)) {
                return u;
            }
        }
        throw new AssertionError("no user " + user + " in " + stats);
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
