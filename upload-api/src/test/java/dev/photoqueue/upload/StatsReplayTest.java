package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.TestClient.Part;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import static dev.photoqueue.upload.ReplayBeforeFirstCommitTest.positions;
import static dev.photoqueue.upload.ReplayBeforeFirstCommitTest.positionsAtStart;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A replay of the {@code stats} group on a real server over the in-house log: it answers 200 with
 * the group's new positions on {@code photo.events}, and the stats count again each photo
 * processed from the replay's start (as {@code replayed}, not as new photos), then follow the topic
 * as before. {@link KafkaStatsReplayTest} asserts the same on Kafka, where the group moves only
 * while the app's own stats consumer is out of it.
 */
class StatsReplayTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aReplayOfTheStatsGroupCountsThePhotosFromItsStartAgain() {
        assertStatsCountAgainFromTheReplay(Map.of());
    }

    /** Starts an app with {@code environment} added and one worker, uploads, replays stats, and checks the counts. */
    static void assertStatsCountAgainFromTheReplay(Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("PARTITIONS", "3");
        env.put("WORKERS", "1");
        // a user of its own: on a shared broker photo.events also holds the events of other tests
        String user = "replay-" + UUID.randomUUID();
        try (RunningApp running = RunningApp.start(env)) {
            TestClient client = running.client;
            uploadAndAwaitDone(client, user, 2);
            awaitCounts(client, user, 2, 2, 0);
            // every event counted so far is older than the replay's start, every later one is not
            Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
            while (!Instant.now().isAfter(from)) {
                Thread.onSpinWait();
            }
            uploadAndAwaitDone(client, user, 3);
            awaitCounts(client, user, 5, 5, 0);

            HttpResponse<String> r = client.admin("POST", "/api/replay",
                    "{\"group\":\"stats\",\"from\":\"" + from + "\"}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = json(r);
            assertEquals(List.of("from", "group", "positions", "workersPaused"), fieldNames(answer), r.body());
            assertEquals("stats", answer.get("group").asText(), r.body());
            assertEquals(0, answer.get("workersPaused").asInt(), "the workers' group is not the one moved: " + r.body());
            assertEquals(positionsAtStart(client, "photo.events").keySet(), positions(r).keySet(), r.body());
            // the 3 photos processed from the replay's start are counted again, as replayed
            awaitCounts(client, user, 8, 5, 3);
            // and the stats go on with what comes after
            uploadAndAwaitDone(client, user, 1);
            awaitCounts(client, user, 9, 6, 3);
        }
    }

    private static void uploadAndAwaitDone(TestClient client, String user, int photos) {
        for (int i = 0; i < photos; i++) {
            HttpResponse<String> up = client.upload("", Map.of(),
                    Part.file("file", "FreshFlower.jpg", TestClient.sample("FreshFlower.jpg")), Part.field("user", user));
            assertEquals(202, up.statusCode(), up.body());
            client.await("/api/photos/" + json(up).get("id").asText(), p -> p.get("status").asText().equals("DONE"),
                    WAIT);
        }
    }

    /** Waits until {@code user} has {@code counted} events counted, then checks the other counts. */
    private static void awaitCounts(TestClient client, String user, int counted, int distinct, int replayed) {
        JsonNode stats = client.await("/api/stats?limit=1000", s -> user(s, user).get("counted").asInt() >= counted,
                WAIT);
        JsonNode u = user(stats, user);
        assertEquals(counted, u.get("counted").asInt(), u.toString());
        assertEquals(distinct, u.get("distinct").asInt(), u.toString());
        assertEquals(replayed, u.get("replayed").asInt(), u.toString());
        assertEquals(0, u.get("redelivered").asInt(), u.toString());
    }

    /** {@code user}'s counts in a {@code GET /api/stats} answer, zeros while it has none. */
    private static JsonNode user(JsonNode stats, String user) {
        for (JsonNode u : stats.get("users")) {
            if (u.get("userId").asText().equals(user)) {
                return u;
            }
        }
        return TestClient.JSON.createObjectNode().put("counted", 0).put("distinct", 0).put("replayed", 0)
                .put("redelivered", 0);
    }

    private static List<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return List.copyOf(names);
    }
}
