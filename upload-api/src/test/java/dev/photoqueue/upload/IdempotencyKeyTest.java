package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.testing.AllAtOnce;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.Part;
import static dev.photoqueue.upload.TestClient.json;
import static dev.photoqueue.upload.UploadRacesTest.jobsWaiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Idempotency-Key} on {@code POST /api/photos}, on real apps with no workers (every job
 * stays on {@code photo.uploaded}, so the jobs produced can be counted): a key names one upload,
 * the same bytes again get its photo, other bytes 422, a repeat while the first still runs 409,
 * and all of it holds after a restart on the same data directory.
 */
class IdempotencyKeyTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** For uploads raced against each other: each may wait for all the others on a loaded machine. */
    private static final Duration RACE_WAIT = Duration.ofSeconds(120);
    private static final Map<String, String> NO_WORKERS = Map.of("WORKERS", "0", "PARTITIONS", "2");
    private static final byte[] MEADOW = TestClient.sample("GreenMeadow.jpg");
    private static final byte[] FLOWER = TestClient.sample("FreshFlower.jpg");

    private static HttpResponse<String> upload(TestClient client, String query, String key, byte[] photo) {
        return client.upload(query, Map.of("Idempotency-Key", key), Part.file("file", "photo.jpg", photo));
    }

    @Test
    void aKeyReusedWithOtherBytesGets422NamingTheKeyAndProducesNoJob() throws IOException {
        try (RunningApp running = RunningApp.start(NO_WORKERS)) {
            TestClient client = running.client;
            HttpResponse<String> first = upload(client, "", "reuse-async", MEADOW);
            assertEquals(202, first.statusCode(), first.body());
            String id = json(first).get("id").asText();

            HttpResponse<String> other = upload(client, "", "reuse-async", FLOWER);
            assertError(other, 422, "idempotency_key_reused");
            String detail = json(other).get("detail").asText();
            assertTrue(detail.contains("'reuse-async'") && detail.contains(id), detail);
            assertEquals(1, jobsWaiting(client), "the reused key produced no second job");
            assertArrayEquals(MEADOW, Files.readAllBytes(original(running, id)), "the first upload's bytes stay");

            HttpResponse<String> sync = upload(client, "?mode=sync", "reuse-sync", MEADOW);
            assertEquals(201, sync.statusCode(), sync.body());
            assertError(upload(client, "?mode=sync", "reuse-sync", FLOWER), 422, "idempotency_key_reused");
            assertError(upload(client, "", "reuse-sync", FLOWER), 422, "idempotency_key_reused");
            assertArrayEquals(MEADOW, Files.readAllBytes(original(running, json(sync).get("id").asText())));
            assertEquals(1, jobsWaiting(client), "sync uploads make no job, refused ones neither");
        }
    }

    @Test
    void anEmptyOrBlankKeyIsRefusedRatherThanIgnored() {
        try (RunningApp running = RunningApp.start(NO_WORKERS)) {
            for (String key : new String[] {"", "   "}) {
                HttpResponse<String> r = upload(running.client, "", key, MEADOW);
                assertError(r, 400, "bad_request");
                assertTrue(json(r).get("detail").asText().contains("Idempotency-Key must not be empty or blank"),
                        r.body());
            }
            assertEquals(0, jobsWaiting(running.client), "a refused upload makes no job");
        }
    }

    @Test
    void aSyncRepeatOfAnAsyncUploadAnswers201OnlyOnceItsVariantsExist() throws IOException {
        try (RunningApp running = RunningApp.start(NO_WORKERS)) {
            TestClient client = running.client;
            HttpResponse<String> first = upload(client, "", "async-then-sync", MEADOW);
            assertEquals(202, first.statusCode(), first.body());

            HttpResponse<String> pending = upload(client, "?mode=sync", "async-then-sync", MEADOW);
            assertEquals(202, pending.statusCode(), "no variants yet, so not created: " + pending.body());
            assertEquals(json(first).get("id"), json(pending).get("id"));
            assertEquals("QUEUED", json(pending).get("status").asText());
            assertFalse(json(pending).has("variants"), pending.body());
            assertEquals("/api/photos/" + json(first).get("id").asText(),
                    pending.headers().firstValue("Location").orElse("(none)"));
            assertEquals("true", pending.headers().firstValue("Idempotent-Replayed").orElse("(none)"));
            assertEquals(1, jobsWaiting(client), "the repeat made no job and processed nothing");
        }
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "2"))) {
            TestClient client = running.client;
            HttpResponse<String> first = upload(client, "", "async-then-sync-done", MEADOW);
            assertEquals(202, first.statusCode(), first.body());
            JsonNode done = client.await("/api/photos/" + json(first).get("id").asText(),
                    p -> p.get("status").asText().equals("DONE"), WAIT);

            HttpResponse<String> repeat = upload(client, "?mode=sync", "async-then-sync-done", MEADOW);
            assertEquals(201, repeat.statusCode(), repeat.body());
            assertEquals(done.get("variants"), json(repeat).get("variants"), "the variants the worker made");
            assertEquals("DONE", json(repeat).get("status").asText());
        }
    }

    @Test
    void aRepeatWhileTheFirstUploadStillRunsGets409AndOnlyTheFirstMakesAJob() throws Exception {
        try (RunningApp running = RunningApp.start(NO_WORKERS)) {
            TestClient client = running.client;
            String key = "slow-" + UUID.randomUUID();
            String boundary = "pq" + UUID.randomUUID();
            byte[] body = TestClient.multipart(boundary, Part.file("file", "photo.jpg", MEADOW));
            try (RawHttp slow = new RawHttp(running.app.port())) {
                Map<String, String> head = new LinkedHashMap<>();
                head.put("Content-Type", "multipart/form-data; boundary=" + boundary);
                head.put("Content-Length", String.valueOf(body.length));
                head.put("Idempotency-Key", key);
                head.put("Expect", "100-continue");
                slow.head("POST", "/api/photos", head);
                // 100 Continue comes when the handler starts reading the body, after it claimed the key
                assertEquals(100, slow.readInterim());
                slow.write(body, 0, body.length / 2);

                List<HttpResponse<String>> during = AllAtOnce.run(3, RACE_WAIT, i -> upload(client, "", key, MEADOW));
                for (HttpResponse<String> r : during) {
                    assertError(r, 409, "idempotency_key_in_use");
                    assertTrue(json(r).get("detail").asText().contains("'" + key + "'"), r.body());
                    assertEquals("1", r.headers().firstValue("Retry-After").orElse("(none)"), r.body());
                }
                assertEquals(0, jobsWaiting(client), "the refused repeats made no job");

                slow.write(body, body.length / 2, body.length - body.length / 2);
                RawHttp.Response firstAnswer = slow.read();
                assertEquals(202, firstAnswer.status(), firstAnswer.text());
                String id = TestClient.JSON.readTree(firstAnswer.body()).get("id").asText();

                HttpResponse<String> after = upload(client, "", key, MEADOW);
                assertEquals(202, after.statusCode(), after.body());
                assertEquals(id, json(after).get("id").asText());
                assertEquals("true", after.headers().firstValue("Idempotent-Replayed").orElse("(none)"));
            }
            assertEquals(1, jobsWaiting(client), "one job for the key");
        }
    }

    @Test
    void uploadsWithOneKeyAtOnceGetOne202AndTheOthers409OrItsPhoto() throws Exception {
        try (RunningApp running = RunningApp.start(NO_WORKERS)) {
            TestClient client = running.client;
            List<HttpResponse<String>> answers = AllAtOnce.run(8, RACE_WAIT,
                    i -> upload(client, "", "at-once", MEADOW));
            int fresh = 0;
            String id = null;
            for (HttpResponse<String> r : answers) {
                if (r.statusCode() == 409) {
                    assertError(r, 409, "idempotency_key_in_use");
                    continue;
                }
                assertEquals(202, r.statusCode(), r.body());
                if (r.headers().firstValue("Idempotent-Replayed").isEmpty()) {
                    fresh++;
                }
                assertTrue(id == null || id.equals(json(r).get("id").asText()), "one photo for the key: " + answers);
                id = json(r).get("id").asText();
            }
            assertEquals(1, fresh, "exactly one upload made the photo");
            assertEquals(1, jobsWaiting(client), "one job for the key");
        }
    }

    @Test
    void aFailedFirstUploadLetsItsKeyGoForTheRetry() {
        try (RunningApp running = RunningApp.start(NO_WORKERS)) {
            TestClient client = running.client;
            assertError(upload(client, "", "retry-after-415", TestClient.sample("not-an-image.jpg")), 415,
                    "unsupported_type");
            HttpResponse<String> retry = upload(client, "", "retry-after-415", MEADOW);
            assertEquals(202, retry.statusCode(), retry.body());
            assertFalse(retry.headers().firstValue("Idempotent-Replayed").isPresent(), "a new upload, not a repeat");
            assertEquals(1, jobsWaiting(client));
        }
    }

    @Test
    void afterARestartOnTheSameDataDirTheSameBytesGetTheFirstPhotoAndOtherBytes422() throws IOException {
        Path dir = Files.createTempDirectory("photoqueue-idempotency");
        JsonNode async;
        JsonNode sync;
        try (RunningApp first = RunningApp.start(dir, NO_WORKERS)) {
            HttpResponse<String> a = upload(first.client, "", "restart-async", MEADOW);
            HttpResponse<String> s = upload(first.client, "?mode=sync", "restart-sync", FLOWER);
            assertEquals(202, a.statusCode(), a.body());
            assertEquals(201, s.statusCode(), s.body());
            async = json(a);
            sync = json(s);
        }
        try (RunningApp second = RunningApp.start(dir, NO_WORKERS)) {
            TestClient client = second.client;
            // the keys' photos are known once the status view has read them again from the log
            client.await("/api/photos/" + async.get("id").asText(), p -> true, WAIT);
            client.await("/api/photos/" + sync.get("id").asText(), p -> p.get("status").asText().equals("DONE"), WAIT);

            HttpResponse<String> again = upload(client, "", "restart-async", MEADOW);
            assertEquals(202, again.statusCode(), again.body());
            assertEquals(async.get("id"), json(again).get("id"));
            assertEquals(async.get("offset"), json(again).get("offset"), "the first job, not a second");
            assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse("(none)"));
            assertError(upload(client, "", "restart-async", FLOWER), 422, "idempotency_key_reused");

            // a sync upload has no job record: its stored original is the fingerprint
            HttpResponse<String> syncAgain = upload(client, "?mode=sync", "restart-sync", FLOWER);
            assertEquals(201, syncAgain.statusCode(), syncAgain.body());
            assertEquals(sync.get("id"), json(syncAgain).get("id"));
            assertEquals(sync.get("variants"), json(syncAgain).get("variants"));
            assertError(upload(client, "?mode=sync", "restart-sync", MEADOW), 422, "idempotency_key_reused");

            assertEquals(1, jobsWaiting(client), "the first run's one job, and no other");
        }
    }

    @Test
    void aKeyWhosePhotoLeftMemoryStillGetsTheFirstPhotoAlsoAfterARestart() throws IOException {
        // one finished photo in memory, and as many keys: the keyed photo is read from the index
        Map<String, String> tiny = Map.of("WORKERS", "1", "PARTITIONS", "2", "PHOTO_CACHE_SIZE", "1");
        Path dir = Files.createTempDirectory("photoqueue-idempotency-evicted");
        JsonNode first;
        try (RunningApp running = RunningApp.start(dir, tiny)) {
            TestClient client = running.client;
            HttpResponse<String> a = upload(client, "", "evicted-key", MEADOW);
            assertEquals(202, a.statusCode(), a.body());
            first = json(a);
            String path = "/api/photos/" + first.get("id").asText();
            client.await(path, p -> p.get("status").asText().equals("DONE"), WAIT);
            for (String later : List.of("later-1", "later-2", "later-3")) {
                HttpResponse<String> s = upload(client, "?mode=sync", later, FLOWER);
                assertEquals(201, s.statusCode(), s.body());
            }
            assertRepeatGetsTheFirst(client, first);
        }
        try (RunningApp restarted = RunningApp.start(dir, tiny)) {
            assertRepeatGetsTheFirst(restarted.client, first);
        }
    }

    private static void assertRepeatGetsTheFirst(TestClient client, JsonNode first) {
        HttpResponse<String> again = upload(client, "", "evicted-key", MEADOW);
        assertEquals(202, again.statusCode(), again.body());
        assertEquals(first.get("id"), json(again).get("id"));
        assertEquals(first.get("offset"), json(again).get("offset"), "the first job, not a second");
        assertEquals("DONE", json(again).get("status").asText());
        assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse("(none)"));
        assertError(upload(client, "", "evicted-key", FLOWER), 422, "idempotency_key_reused");
    }

    private static Path original(RunningApp running, String id) {
        return running.dataDir.resolve("blobs/originals").resolve(id);
    }
}
