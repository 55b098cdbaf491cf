package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A replay of the thumbnail workers' group before any upload, while the group has committed
 * nothing, on a real server over the in-house log: the group is known (it is the app's own), each
 * partition of {@code photo.uploaded} moves to the first record from the time, and the workers
 * take jobs after it. Once while the group has never had a member (started with no workers), once
 * after its workers joined and were all stopped. {@link KafkaReplayBeforeFirstCommitTest} asserts
 * the same answers on Kafka, which knows a group without commits only while a member holds an
 * assignment.
 */
class ReplayBeforeFirstCommitTest {

    static final String REPLAY = "{\"group\":\"thumbnailers\",\"from\":\"2020-01-01T00:00:00Z\"}";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theWorkersGroupThatHasCommittedNothingIsReplayedNotUnknown() {
        assertReplaysBeforeFirstCommit(Map.of());
    }

    /** Starts an app with {@code environment} added and no workers, uploads nothing, and replays. */
    static void assertReplaysBeforeFirstCommit(Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("PARTITIONS", "3");
        env.put("WORKERS", "0");
        try (RunningApp running = RunningApp.start(env)) {
            TestClient client = running.client;
            assertReplayedToTheStart(client, client.admin("POST", "/api/replay", REPLAY), 0);

            assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":2}").statusCode());
            client.await("/api/queue", q -> members(q) == 2, WAIT);
            assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":0}").statusCode());
            client.await("/api/queue", q -> members(q) == 0, WAIT);
            assertReplayedToTheStart(client, client.admin("POST", "/api/replay", REPLAY), 0);

            assertError(client.admin("POST", "/api/replay",
                    "{\"group\":\"nosuchgroup\",\"from\":\"2020-01-01T00:00:00Z\"}"), 404, "not_found");
            // the group moved is the one the workers then read: a job from after the replay is done
            assertEquals(200, client.admin("PUT", "/api/workers", "{\"count\":1}").statusCode());
            String id = json(client.uploadPhoto("GreenMeadow.jpg")).get("id").asText();
            client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
        }
    }

    private static void assertReplayedToTheStart(TestClient client, HttpResponse<String> r, int workersPaused) {
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Long> expected = positionsAtStart(client, "photo.uploaded");
        assertFalse(expected.isEmpty(), "photo.uploaded has partitions: " + expected);
        assertEquals(expected, positions(r), r.body());
        assertEquals(workersPaused, json(r).get("workersPaused").asInt(), r.body());
    }

    /** Members of the thumbnailers' group in a {@code GET /api/queue} answer; 0 when it is not listed. */
    private static int members(JsonNode queue) {
        for (JsonNode g : queue.get("groups")) {
            if (g.get("id").asText().equals("thumbnailers")) {
                return g.get("members").size();
            }
        }
        return 0;
    }

    /**
     * {@code {"<topic>-<p>": <start>}} for each partition of {@code topic} as {@code GET /api/queue}
     * shows it: where a replay from before the first record puts each.
     */
    static Map<String, Long> positionsAtStart(TestClient client, String topic) {
        Map<String, Long> positions = new TreeMap<>();
        for (JsonNode t : json(client.get("/api/queue")).get("topics")) {
            if (t.get("name").asText().equals(topic)) {
                t.get("partitions").forEach(p -> positions.put(topic + "-" + p.get("partition").asInt(),
                        p.get("start").asLong()));
            }
        }
        return positions;
    }

    /** The {@code positions} of a replay's answer. */
    static Map<String, Long> positions(HttpResponse<String> replay) {
        Map<String, Long> positions = new TreeMap<>();
        json(replay).get("positions").fields().forEachRemaining(e -> positions.put(e.getKey(), e.getValue().asLong()));
        return positions;
    }
}
