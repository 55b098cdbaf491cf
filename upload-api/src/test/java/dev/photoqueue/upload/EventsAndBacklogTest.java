package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server-Sent Events, back pressure and restarts, each on an app of its own. */
class EventsAndBacklogTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eventsStreamCarriesAPhotoFromQueuedToDone() throws Exception {
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "2"))) {
            TestClient client = running.client;
            HttpResponse<Stream<String>> stream = client.http().send(HttpRequest.newBuilder(
                    URI.create(client.base() + "/api/events")).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, stream.statusCode());
            String type = stream.headers().firstValue("Content-Type").orElse("(none)");
            assertTrue(type.startsWith("text/event-stream"), type + " " + stream.headers().map());
            Iterator<String> lines = stream.body().iterator();
            // the server sends "hello" once this stream is among its listeners: only then can no
            // event of the upload pass it by
            CompletableFuture.runAsync(() -> {
                String line = "";
                while (!(line.startsWith("event:") && line.substring(6).trim().equals("hello")) && lines.hasNext()) {
                    line = lines.next();
                }
            }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String id = json(client.uploadPhoto("GreenMeadow.jpg")).get("id").asText();
            CompletableFuture<String> doneEvent = CompletableFuture.supplyAsync(() -> {
                String event = null;
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && "photo".equals(event) && line.contains(id)
                            && line.contains("\"DONE\"")) {
                        return line.substring(5).trim();
                    }
                }
                return null;
            });
            JsonNode photo = TestClient.JSON.readTree(doneEvent.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(id, photo.get("id").asText());
            assertEquals("/photos/" + id + "/thumb.jpg", photo.get("variants").get("thumb").asText());
            stream.body().close();
        }
    }

    @Test
    void aFullBacklogGets503WithRetryAfterAndStoresNothing() throws IOException {
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "0", "PARTITIONS", "2", "MAX_BACKLOG", "2"))) {
            TestClient client = running.client;
            assertEquals(202, client.uploadPhoto("GreenMeadow.jpg").statusCode());
            assertEquals(202, client.uploadPhoto("FreshFlower.jpg").statusCode());
            HttpResponse<String> refused = client.uploadPhoto("Garden.jpg");
            assertError(refused, 503, "backlog_full");
            assertEquals("5", refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(json(refused).get("detail").asText().contains("2 jobs waiting"), refused.body());
            try (Stream<Path> originals = Files.list(running.dataDir.resolve("blobs/originals"))) {
                assertEquals(2, originals.count(), "the refused upload left no original behind");
            }
            // the status view reads the accepted jobs a moment after their 202s; the refused one never comes
            client.await("/api/photos?limit=10", l -> l.size() == 2, WAIT);

            client.admin("PUT", "/api/workers", "{\"count\":1}");
            client.await("/api/photos?limit=10", l -> l.size() == 2
                    && l.get(0).get("status").asText().equals("DONE")
                    && l.get(1).get("status").asText().equals("DONE"), WAIT);
            // A worker publishes a photo's outcome before it acks the job: the backlog empties a moment after DONE.
            client.await("/api/queue", q -> QueueAdminApiTest.group(q, "thumbnailers") != null
                    && QueueAdminApiTest.group(q, "thumbnailers").get("totalLag").asLong() == 0, WAIT);
            HttpResponse<String> again = client.uploadPhoto("Garden.jpg");
            assertEquals(202, again.statusCode(), "room again once the workers caught up: " + again.body());
        }
    }

    @Test
    void aRestartOnTheSameDataDirContinuesWhereTheLastRunStopped() throws IOException {
        Path dir = Files.createTempDirectory("photoqueue-restart");
        String done;
        String waiting;
        long lastOffset;
        try (RunningApp first = RunningApp.start(dir, Map.of("WORKERS", "1", "PARTITIONS", "1"))) {
            done = json(first.client.uploadPhoto("GreenMeadow.jpg")).get("id").asText();
            first.client.await("/api/photos/" + done, p -> p.get("status").asText().equals("DONE"), WAIT);
            first.client.admin("PUT", "/api/workers", "{\"count\":0}");
            JsonNode queued = json(first.client.uploadPhoto("FreshFlower.jpg"));
            waiting = queued.get("id").asText();
            lastOffset = queued.get("offset").asLong();
        }
        try (RunningApp second = RunningApp.start(dir, Map.of("WORKERS", "1", "PARTITIONS", "1"))) {
            // the view rebuilds topic by topic: the job may show QUEUED for a moment before its outcome is read
            JsonNode again = second.client.await("/api/photos/" + done, p -> p.get("status").asText().equals("DONE"),
                    WAIT);
            assertEquals("/photos/" + done + "/thumb.jpg", again.get("variants").get("thumb").asText(),
                    "the status view was rebuilt from the log");
            second.client.await("/api/photos/" + waiting, p -> p.get("status").asText().equals("DONE"), WAIT);
            long next = json(second.client.uploadPhoto("Garden.jpg")).get("offset").asLong();
            assertEquals(lastOffset + 1, next, "the log continues after the last job");
        }
    }
}
