package dev.photoqueue.upload;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A HEAD answers what a GET of the same URL answers, without the body (RFC 9110, 9.3.2): the same
 * status and headers. Load balancers and monitors ask {@code HEAD /readyz}; a HEAD that said 200
 * whatever the GET says would send uploads to an app that refuses them.
 */
class HeadRequestTest {

    static RunningApp running;

    @BeforeAll
    static void start() {
        running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "1"));
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void aHeadOfAnUnknownPhotoOrVariantIs404AsItsGet() {
        for (String path : new String[] {"/api/photos/nosuchphoto", "/api/photos/nosuchphoto/journey",
                "/photos/nosuchphoto/thumb.jpg"}) {
            assertEquals(404, running.client.get(path).statusCode(), "GET " + path);
            HttpResponse<String> head = head(path);
            assertEquals(404, head.statusCode(), "HEAD " + path + ": " + head.headers().map());
            assertEquals("", head.body(), "HEAD " + path + " has no body");
        }
    }

    @Test
    void aHeadOfAVariantHasTheTypeAndLengthOfItsGetAndNoBody() {
        HttpResponse<String> r = running.client.uploadPhoto("GreenMeadow.jpg");
        assertEquals(202, r.statusCode(), r.body());
        String id = TestClient.json(r).get("id").asText();
        String url = running.client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"),
                Duration.ofSeconds(60)).get("variants").get("thumb").asText();
        HttpResponse<byte[]> get = running.client.getBytes(url);
        HttpResponse<String> head = head(url);
        assertEquals(200, head.statusCode(), "HEAD " + url);
        assertEquals("image/jpeg", head.headers().firstValue("Content-Type").orElse("(none)"));
        assertEquals(String.valueOf(get.body().length), head.headers().firstValue("Content-Length").orElse("(none)"),
                "HEAD " + url + " announces the length of the GET's body: " + head.headers().map());
        assertEquals("", head.body());
    }

    @Test
    void aHeadOfReadyzIs503WhileItsGetIs503() throws Exception {
        Path queue = running.dataDir.resolve("queue");
        Path away = running.dataDir.resolve("queue-moved-away");
        assertEquals(200, head("/readyz").statusCode(), "ready at first");
        Files.move(queue, away);
        try {
            HttpResponse<String> get = running.client.get("/readyz");
            assertEquals(503, get.statusCode(), "without its data directory the backend reports itself down: "
                    + get.body());
            HttpResponse<String> head = head("/readyz");
            assertEquals(503, head.statusCode(), "HEAD /readyz while GET /readyz answers " + get.body());
            assertTrue(head.headers().firstValue("Content-Type").orElse("(none)").startsWith("application/json"),
                    head.headers().map().toString());
        } finally {
            Files.move(away, queue);
        }
        assertEquals(200, head("/readyz").statusCode(), "ready again with the data directory back");
    }

    @Test
    void aHeadOfTheEventStreamIs405AllowingGetAsItsPostIs() {
        HttpResponse<String> post = running.client.call("POST", "/api/events", "", null);
        assertEquals(405, post.statusCode(), post.body());
        assertEquals("GET", post.headers().firstValue("Allow").orElse("(none)"), "a HEAD route would be listed here");
        HttpResponse<String> head = head("/api/events");
        assertEquals(405, head.statusCode(), "the stream answers GET only: " + head.headers().map());
        assertEquals("GET", head.headers().firstValue("Allow").orElse("(none)"), head.headers().map().toString());
        assertTrue(head.headers().firstValue("Content-Type").orElse("(none)").startsWith("application/json"),
                head.headers().map().toString());
        assertEquals("", head.body());
    }

    private static HttpResponse<String> head(String path) {
        return running.client.send(HttpRequest.newBuilder(URI.create(running.client.base() + path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    }
}
