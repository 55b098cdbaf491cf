package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.worker.WorkerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.Part;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue, dead-letter, admin, replay and health endpoints on a real server with two embedded
 * workers and an admin token.
 */
class QueueAdminApiTest {

    static final String TOKEN = "s3cret-admin";
    static final Duration WAIT = Duration.ofSeconds(60);
    static RunningApp running;
    static TestClient client;

    @BeforeAll
    static void start() {
        running = RunningApp.start(Map.of("WORKERS", "2", "PARTITIONS", "4", "ADMIN_TOKEN", TOKEN));
        client = running.client;
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void queueShowsTopicsPartitionsAndTheThumbnailersGroupWithItsMembers() {
        JsonNode queue = client.await("/api/queue", q -> group(q, "thumbnailers") != null
                && group(q, "thumbnailers").get("members").size() == 2, WAIT);
        assertEquals("inhouse", queue.get("backend").asText());
        JsonNode uploaded = topic(queue, "photo.uploaded");
        assertEquals(4, uploaded.get("partitions").size());
        JsonNode group = group(queue, "thumbnailers");
        Set<String> owned = new HashSet<>();
        group.get("members").forEach(m -> m.get("partitions").forEach(p -> owned.add(p.asText())));
        assertEquals(Set.of("photo.uploaded-0", "photo.uploaded-1", "photo.uploaded-2", "photo.uploaded-3"), owned,
                "every partition has one owner");
        JsonNode p0 = group.get("partitions").get(0);
        assertTrue(p0.has("committed") && p0.has("end") && p0.has("lag") && p0.has("owner"), p0.toString());
    }

    @Test
    void adminEndpointsRequireTheBearerToken() {
        assertError(client.call("PUT", "/api/workers", "{\"count\":2}", null), 401, "unauthorized");
        assertError(client.call("PUT", "/api/workers", "{\"count\":2}", "wrong"), 401, "unauthorized");
        assertError(client.call("PUT", "/api/settings", "{\"autoscale\":false}", null), 401, "unauthorized");
        assertError(client.call("POST", "/api/replay", "{}", null), 401, "unauthorized");
        assertError(client.call("POST", "/api/dlq/redrive", null, null), 401, "unauthorized");
        assertError(client.call("POST", "/api/dlq/0/redrive", null, null), 401, "unauthorized");
        assertEquals(200, client.get("/api/queue").statusCode(), "reading stays open");
        assertEquals(200, client.get("/api/dlq").statusCode(), "reading stays open");
    }

    @Test
    void aRefusedAdminCallChallengesForABearerTokenWhoseSchemeMatchesInAnyCase() {
        HttpResponse<String> none = client.call("PUT", "/api/settings", "{\"autoscale\":false}", null);
        assertEquals(401, none.statusCode());
        assertEquals(Optional.of("Bearer realm=\"photoqueue\""), none.headers().firstValue("WWW-Authenticate"));
        HttpResponse<String> wrong = client.call("PUT", "/api/settings", "{\"autoscale\":false}", "wrong");
        assertEquals(Optional.of("Bearer realm=\"photoqueue\", error=\"invalid_token\""),
                wrong.headers().firstValue("WWW-Authenticate"));

        HttpResponse<String> lowerCase = client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/settings"))
                .method("PUT", HttpRequest.BodyPublishers.ofString("{\"autoscale\":false}"))
                .header("Content-Type", "application/json")
                .header("Authorization", "bearer " + TOKEN).build());
        assertEquals(200, lowerCase.statusCode(), lowerCase.body());
    }

    @Test
    void anAdminCallWithTwoAuthorizationHeadersGets400NamingTheHeaderNotTheFirstOfThem() {
        int before = json(client.get("/api/workers")).get("target").asInt();
        for (List<String> tokens : List.of(List.of(TOKEN, "wrong"), List.of("wrong", TOKEN), List.of(TOKEN, TOKEN))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/workers"))
                    .method("PUT", HttpRequest.BodyPublishers.ofString("{\"change\":1}"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + tokens.get(0))
                    .header("Authorization", "Bearer " + tokens.get(1)).build());
            assertError(r, 400, "bad_request");
            String detail = json(r).get("detail").asText();
            assertEquals("Authorization must be sent once, came 2 times", detail, tokens.toString());
            assertFalse(r.body().contains(TOKEN), "the answer does not echo a token: " + r.body());
        }
        assertEquals(before, json(client.get("/api/workers")).get("target").asInt(), "nothing changed");
    }

    @Test
    void anAppStartsWithMoreWorkersThanTheAutoscalerAddsAndTheApiTakesTheSameLimitAsWorkers() {
        int limit = WorkerConfig.MAX_WORKER_COUNT;
        try (RunningApp many = RunningApp.start(Map.of("WORKERS", "17", "PARTITIONS", "2"))) {
            JsonNode workers = json(many.client.get("/api/workers"));
            assertEquals(17, workers.get("count").asInt());
            assertEquals(17, workers.get("autoscaleMax").asInt(), "the autoscaler keeps the WORKERS started");
            assertEquals(17, workers.get("autoscaleMin").asInt(), "and removes none of them");
            HttpResponse<String> over = many.client.call("PUT", "/api/workers", "{\"count\":" + (limit + 1) + "}", null);
            assertError(over, 400, "bad_request");
            assertTrue(json(over).get("detail").asText().contains("between 0 and " + limit), over.body());
        }
    }

    @Test
    void theWorkersAnswerNamesTheMostWorkersThePoolKeepsAndAChangePastItIsRefused() {
        int limit = WorkerConfig.MAX_WORKER_COUNT;
        JsonNode read = json(client.get("/api/workers"));
        assertEquals(limit, read.get("max").asInt(), read.toString());
        assertEquals(App.AUTOSCALE_MAX_WORKERS, read.get("autoscaleMax").asInt(), "the autoscaler's own limit");
        assertEquals(2, read.get("autoscaleMin").asInt(), "the WORKERS started, which it never removes: " + read);
        HttpResponse<String> same = client.admin("PUT", "/api/workers", "{\"change\":0}");
        assertEquals(200, same.statusCode(), same.body());
        assertEquals(limit, json(same).get("max").asInt(), same.body());

        int target = json(same).get("target").asInt();
        HttpResponse<String> past = client.admin("PUT", "/api/workers", "{\"change\":" + (limit - target + 1) + "}");
        assertError(past, 400, "bad_request");
        assertTrue(json(past).get("detail").asText().contains("makes " + (limit + 1) + ", outside 0.." + limit),
                past.body());
        assertEquals(target, json(client.get("/api/workers")).get("target").asInt(), "nothing changed");
    }

    @Test
    void aChangeOfTheWorkersIsAddedToTheNumberKeptAndEachOfSeveralAtOnceCounts() throws Exception {
        int before = json(client.get("/api/workers")).get("target").asInt();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sent.add(senders.submit(() -> client.admin("PUT", "/api/workers", "{\"change\":1}")));
            }
            for (Future<HttpResponse<String>> answer : sent) {
                assertEquals(200, answer.get().statusCode(), answer.get().body());
            }
        } finally {
            senders.shutdownNow();
        }
        assertEquals(before + 4, json(client.get("/api/workers")).get("target").asInt(), "each change counted");

        HttpResponse<String> back = client.admin("PUT", "/api/workers", "{\"change\":-4}");
        assertEquals(200, back.statusCode(), back.body());
        assertEquals(before, json(back).get("target").asInt());
        HttpResponse<String> under = client.admin("PUT", "/api/workers", "{\"change\":" + -(before + 1) + "}");
        assertError(under, 400, "bad_request");
        assertTrue(json(under).get("detail").asText().contains("from " + before + " workers makes -1"),
                under.body());
        assertError(client.admin("PUT", "/api/workers", "{\"change\":1,\"count\":3}"), 400, "bad_request");
        assertError(client.admin("PUT", "/api/workers", "{\"change\":\"one\"}"), 400, "bad_request");
        assertEquals(before, json(client.get("/api/workers")).get("target").asInt(),
                "a refused change changes nothing");
    }

    @Test
    void workersGrowAndShrinkAndTheGroupFollows() {
        HttpResponse<String> grown = client.admin("PUT", "/api/workers", "{\"count\":3}");
        assertEquals(200, grown.statusCode(), grown.body());
        assertEquals(3, json(grown).get("count").asInt());
        client.await("/api/queue", q -> group(q, "thumbnailers").get("members").size() == 3, WAIT);
        HttpResponse<String> shrunk = client.admin("PUT", "/api/workers", "{\"count\":2}");
        assertEquals(2, json(shrunk).get("workers").size());
        client.await("/api/queue", q -> group(q, "thumbnailers").get("members").size() == 2, WAIT);
        assertEquals(2, json(client.get("/api/workers")).get("count").asInt());
        assertError(client.admin("PUT", "/api/workers", "{\"count\":-1}"), 400, "bad_request");
        HttpResponse<String> text = client.admin("PUT", "/api/workers", "{\"count\":\"2\"}");
        assertError(text, 400, "bad_request");
        assertTrue(json(text).get("detail").asText().endsWith("was \"2\""), "a string shown as one: " + text.body());
        assertError(client.admin("PUT", "/api/workers", "not json"), 400, "bad_request");
    }

    @Test
    void settingsChangeThePartitionKeyAndRefuseBadValues() {
        try {
            HttpResponse<String> r = client.admin("PUT", "/api/settings", "{\"partitionKey\":\"city\"}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("city", json(r).get("partitionKey").asText());
            int first = json(client.upload("", Map.of(), Part.file("file", "a.jpg",
                    TestClient.sample("GreenMeadow.jpg")), Part.field("city", "Porto"))).get("partition").asInt();
            for (int i = 0; i < 3; i++) {
                int next = json(client.upload("", Map.of(), Part.file("file", "a.jpg",
                        TestClient.sample("FreshFlower.jpg")), Part.field("city", "Porto"))).get("partition").asInt();
                assertEquals(first, next, "one city, one partition");
            }
            assertError(client.admin("PUT", "/api/settings", "{\"partitionKey\":\"planet\"}"), 400, "bad_request");
            assertError(client.admin("PUT", "/api/settings", "{\"delivery\":\"twice\"}"), 400, "bad_request");
            HttpResponse<String> refused = client.admin("PUT", "/api/settings",
                    "{\"delivery\":\"exactly-once\",\"consumption\":\"shared\"}");
            assertError(refused, 400, "bad_request");
            assertTrue(refused.body().contains("delivery exactly-once needs consumption ordered, not shared"),
                    refused.body());
            assertEquals("at-least-once", json(client.get("/api/settings")).get("delivery").asText(),
                    "a refused combination changes nothing");
            assertError(client.admin("PUT", "/api/settings", "{\"maxBacklog\":0}"), 400, "bad_request");
            assertError(client.admin("PUT", "/api/settings", "{\"colour\":\"red\"}"), 400, "bad_request");
            assertEquals("city", json(client.get("/api/settings")).get("partitionKey").asText(),
                    "a refused update changes nothing");
        } finally {
            client.admin("PUT", "/api/settings", "{\"partitionKey\":\"photoId\"}");
        }
    }

    @Test
    void aMaxBacklogPastALongIsRefusedRatherThanNarrowedToAnotherValue() {
        long before = json(client.get("/api/settings")).get("maxBacklog").asLong();
        // 2^64 + 5: narrowed to a long it would be 5
        HttpResponse<String> over = client.admin("PUT", "/api/settings", "{\"maxBacklog\":18446744073709551621}");
        assertError(over, 400, "bad_request");
        assertTrue(json(over).get("detail").asText().contains("maxBacklog must be at most 9223372036854775807, "
                + "was 18446744073709551621"), over.body());
        assertError(client.admin("PUT", "/api/settings", "{\"maxBacklog\":1e30}"), 400, "bad_request");
        assertEquals(before, json(client.get("/api/settings")).get("maxBacklog").asLong(),
                "a refused update changes nothing");
    }

    @Test
    void aPhotoThatCannotBeDecodedIsDeadLetteredAndCanBeRedriven() {
        byte[] photo = TestClient.sample("GreenMeadow.jpg");
        byte[] truncated = Arrays.copyOf(photo, photo.length * 2 / 5);
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "cut.jpg", truncated));
        assertEquals(202, r.statusCode(), "the header is intact, so the API accepts it: " + r.body());
        String id = json(r).get("id").asText();
        JsonNode dead = client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DEAD_LETTERED"), WAIT);
        assertTrue(dead.get("error").asText().contains("truncated or corrupt"), dead.toString());

        JsonNode letter = client.await("/api/dlq", l -> find(l, id) != null, WAIT);
        JsonNode entry = find(letter, id);
        assertTrue(entry.get("reason").asText().contains("truncated or corrupt"), entry.toString());
        assertEquals(json(r).get("partition").asInt(), entry.get("originalPartition").asInt());
        assertEquals(json(r).get("offset").asLong(), entry.get("originalOffset").asLong());
        assertTrue(entry.get("deliveryCount").asInt() >= 1, entry.toString());
        assertTrue(entry.has("deadLetteredAt"), entry.toString());
        assertEquals(entry.get("id").asLong(), entry.get("offset").asLong(), entry.toString());
        assertEquals(id, entry.get("key").asText(), "photo jobs are keyed by photo id by default");
        assertEquals("text", entry.get("value").get("kind").asText(), "a job is JSON");
        assertTrue(entry.get("value").get("text").asText().contains(id), entry.toString());

        long dlqId = entry.get("id").asLong();
        // an id is its offset in plain digits, as the listing writes it: not read as the same offset
        assertError(client.admin("POST", "/api/dlq/+" + dlqId + "/redrive", null), 400, "bad_request");
        assertError(client.admin("POST", "/api/dlq/0" + dlqId + "/redrive", null), 400, "bad_request");
        assertError(client.admin("POST", "/api/dlq/99999999999999999999/redrive", null), 400, "bad_request");
        HttpResponse<String> redriven = client.admin("POST", "/api/dlq/" + dlqId + "/redrive", null);
        assertEquals(200, redriven.statusCode(), redriven.body());
        assertError(client.admin("POST", "/api/dlq/" + dlqId + "/redrive", null), 404, "not_found");
        assertError(client.admin("POST", "/api/dlq/first/redrive", null), 400, "bad_request");
        // the redriven job fails the same way and comes back to the dead-letter topic
        client.await("/api/dlq", l -> find(l, id) != null && find(l, id).get("id").asLong() != dlqId, WAIT);
        JsonNode journey = client.await("/api/photos/" + id + "/journey", j -> j.get("steps").size() >= 8, WAIT);
        List<String> steps = new java.util.ArrayList<>();
        journey.get("steps").forEach(step -> steps.add(step.get("what").asText()));
        assertEquals(List.of("uploaded", "delivered", "failed", "dead-lettered", "redriven", "delivered", "failed",
                "dead-lettered"), steps.subList(0, 8), journey.toString());
        assertTrue(journey.get("steps").get(3).get("reason").asText().contains("truncated or corrupt"),
                journey.toString());
        HttpResponse<String> all = client.admin("POST", "/api/dlq/redrive", null);
        assertEquals(200, all.statusCode(), all.body());
        assertTrue(json(all).get("redriven").asLong() >= 1, all.body());
    }

    @Test
    void replayMovesAGroupBackToATimeAndRefusesBadInput() {
        HttpResponse<String> r = client.admin("POST", "/api/replay",
                "{\"group\":\"thumbnailers\",\"from\":\"2020-01-01T00:00:00Z\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode positions = json(r).get("positions");
        assertEquals(4, positions.size(), r.body());
        positions.forEach(p -> assertEquals(0, p.asLong(), "from 2020 on is from the start: " + r.body()));
        HttpResponse<String> view = client.admin("POST", "/api/replay",
                "{\"group\":\"status-view\",\"from\":\"1970-01-01T00:00:00Z\"}");
        assertEquals(200, view.statusCode(), view.body());
        assertError(client.admin("POST", "/api/replay", "{\"group\":\"thumbnailers\",\"from\":\"yesterday\"}"),
                400, "bad_request");
        assertError(client.admin("POST", "/api/replay", "{\"from\":\"2020-01-01T00:00:00Z\"}"), 400, "bad_request");
        assertError(client.admin("POST", "/api/replay", "{\"group\":\"nosuchgroup\",\"from\":\"2020-01-01T00:00:00Z\"}"),
                404, "not_found");
    }

    @Test
    void aReplayFromATimeNoRecordTimestampHoldsIsRefusedAndTheGroupKeepsItsMembers() {
        for (String group : List.of("thumbnailers", "stats", "status-view")) {
            for (String from : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z")) {
                HttpResponse<String> r = client.admin("POST", "/api/replay",
                        "{\"group\":\"" + group + "\",\"from\":\"" + from + "\"}");
                assertError(r, 400, "bad_request");
                assertTrue(json(r).get("detail").asText().contains("was '" + from + "'"), r.body());
            }
        }
        client.await("/api/queue", q -> group(q, "thumbnailers").get("members").size() == 2
                && group(q, "stats").get("members").size() == 1, WAIT);
    }

    @Test
    void anUnknownFieldInAnAdminBodyIsRefusedNamingItAndChangesNothing() {
        int target = json(client.get("/api/workers")).get("target").asInt();
        JsonNode chaos = json(client.get("/api/chaos"));
        Map<String, String> refused = Map.of(
                "/api/workers", "{\"count\":" + (target + 1) + ",\"workerz\":1}",
                "/api/chaos", "{\"probabilty\":0.5}",
                "/api/replay", "{\"group\":\"thumbnailers\",\"from\":\"2020-01-01T00:00:00Z\",\"to\":\"x\"}",
                "/api/workers/nosuchworker/crash", "{\"mode\":\"thread\",\"when\":\"now\"}");
        refused.forEach((path, body) -> {
            String method = path.equals("/api/workers") || path.equals("/api/chaos") ? "PUT" : "POST";
            HttpResponse<String> r = client.admin(method, path, body);
            assertError(r, 400, "bad_request");
            assertTrue(json(r).get("detail").asText().startsWith("unknown field '"), method + " " + path + ": "
                    + r.body());
        });
        assertEquals(target, json(client.get("/api/workers")).get("target").asInt(), "a refused change changes nothing");
        assertEquals(chaos, json(client.get("/api/chaos")), "a refused change changes nothing");
    }

    @Test
    void aFieldSentTwiceInAnAdminBodyIsRefusedAndChangesNothing() {
        long backlog = json(client.get("/api/settings")).get("maxBacklog").asLong();
        HttpResponse<String> twice = client.admin("PUT", "/api/settings",
                "{\"maxBacklog\":" + (backlog + 1) + ",\"maxBacklog\":" + (backlog + 2) + "}");
        assertError(twice, 400, "bad_request");
        assertTrue(json(twice).get("detail").asText().contains("Duplicate field 'maxBacklog'"), twice.body());
        assertEquals(backlog, json(client.get("/api/settings")).get("maxBacklog").asLong(),
                "a refused update changes nothing");
        int target = json(client.get("/api/workers")).get("target").asInt();
        assertError(client.admin("PUT", "/api/workers", "{\"count\":" + (target + 1) + ",\"count\":" + (target + 2)
                + "}"), 400, "bad_request");
        assertEquals(target, json(client.get("/api/workers")).get("target").asInt(), "a refused change changes nothing");
    }

    @Test
    void healthAndMetricsAnswer() {
        assertEquals(200, client.get("/livez").statusCode());
        HttpResponse<String> ready = client.get("/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        client.uploadPhoto("GreenMeadow.jpg");
        HttpResponse<String> metrics = client.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertTrue(metrics.body().contains("photoqueue_uploads_total{mode=\"async\",outcome=\"accepted\"}"),
                metrics.body());
        assertTrue(metrics.body().contains("http_server_requests_seconds_count"), "request timings are exported");
        assertTrue(metrics.body().contains("photoqueue_backlog"), "the backlog gauge is exported");
    }

    static JsonNode group(JsonNode queue, String id) {
        for (JsonNode g : queue.get("groups")) {
            if (g.get("id").asText().equals(id)) {
                return g;
            }
        }
        return null;
    }

    static JsonNode topic(JsonNode queue, String name) {
        for (JsonNode t : queue.get("topics")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static JsonNode find(JsonNode deadLetters, String photoId) {
        JsonNode last = null;
        for (JsonNode d : deadLetters) {
            if (photoId.equals(d.get("photoId").asText())) {
                last = d;
            }
        }
        return last;
    }
}
