package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While the queue backend reports itself down, an upload is refused at once with 503 and
 * Retry-After (instead of holding a request thread for the send's whole timeout), nothing is
 * stored, and uploads pass again once it is back. The in-house backend is down while its data
 * directory is missing: the test moves it away and back.
 */
class UploadWhileQueueDownTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void uploadsAreRefusedAtOnceWhileTheBackendIsDownAndPassAgainWhenItIsBack() throws Exception {
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "0"))) {
            TestClient client = running.client;
            assertEquals(202, client.uploadPhoto("GreenMeadow.jpg").statusCode());
            Path queue = running.dataDir.resolve("queue");
            Path away = running.dataDir.resolve("queue-away");

            Files.move(queue, away);
            HttpResponse<String> refused = awaitStatus(client, 503);
            JsonNode body = TestClient.JSON.readTree(refused.body());
            assertEquals("queue_unavailable", body.get("error").asText(), refused.body());
            assertTrue(body.get("detail").asText().contains("missing or not writable"), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "Retry-After is set");
            // uploads in the moment before the cached health turned were accepted and stored; the
            // refused ones from then on store nothing
            long originals = count(running.dataDir.resolve("blobs/originals"));
            assertEquals(503, client.uploadPhoto("GreenMeadow.jpg").statusCode());
            assertEquals(originals, count(running.dataDir.resolve("blobs/originals")), "nothing was stored");

            Files.move(away, queue);
            awaitStatus(client, 202);
        }
    }

    @Test
    void aSyncUploadIsRefusedAtOnceWhileTheBackendIsDownAndKeepsNothing() throws Exception {
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "0"))) {
            TestClient client = running.client;
            Path queue = running.dataDir.resolve("queue");
            Path away = running.dataDir.resolve("queue-away");
            Files.move(queue, away);
            try {
                awaitStatus(client, 503); // the async upload sees the cached health turn
                Path originals = running.dataDir.resolve("blobs/originals");
                long before = Files.isDirectory(originals) ? count(originals) : 0;
                HttpResponse<String> sync = client.upload("?mode=sync", Map.of(), TestClient.Part.file("file",
                        "meadow.jpg", TestClient.sample("GreenMeadow.jpg")));
                assertEquals(503, sync.statusCode(), "a sync upload publishes its outcome on the queue, which is "
                        + "down: " + sync.body());
                JsonNode body = TestClient.JSON.readTree(sync.body());
                assertEquals("queue_unavailable", body.get("error").asText(), sync.body());
                assertTrue(sync.headers().firstValue("Retry-After").isPresent(), "Retry-After is set");
                assertEquals(before, Files.isDirectory(originals) ? count(originals) : 0, "nothing was stored");
            } finally {
                Files.move(away, queue);
            }
        }
    }

    /**
     * Uploads until one gets {@code status}; the health is cached for a moment, so the first may
     * not. The deadline is generous: a loaded machine may stall for seconds.
     */
    private static HttpResponse<String> awaitStatus(TestClient client, int status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            HttpResponse<String> r = client.uploadPhoto("GreenMeadow.jpg");
            if (r.statusCode() == status) {
                return r;
            }
            assertTrue(System.nanoTime() < deadline, "no upload got " + status + " within " + WAIT + "; the last got "
                    + r.statusCode() + ": " + r.body());
            Thread.sleep(100);
        }
    }

    private static long count(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }
}
