package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.photoqueue.upload.PhotoApiTest.assertError;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/events} and the request's {@code Accept}, on a real server: the stream for every
 * Accept that allows {@code text/event-stream} (no Accept, wildcards, type ranges), 406 JSON for
 * one that does not, 400 for one that cannot be read.
 */
class EventStreamAcceptTest {

    static RunningApp running;
    static TestClient client;

    @BeforeAll
    static void start() {
        running = RunningApp.start(Map.of("WORKERS", "0", "PARTITIONS", "1"));
        client = running.client;
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    private static HttpResponse<String> events(String accept) {
        return client.send(HttpRequest.newBuilder(URI.create(client.base() + "/api/events"))
                .header("Accept", accept).GET().build());
    }

    /** The stream opens and says hello. */
    private static void assertStreams(String accept) throws Exception {
        HttpResponse<Stream<String>> r = client.http().send(HttpRequest.newBuilder(URI.create(client.base()
                + "/api/events")).header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofLines());
        try {
            assertEquals(200, r.statusCode(), "Accept: " + accept);
            String type = r.headers().firstValue("Content-Type").orElse("(none)");
            assertTrue(type.startsWith("text/event-stream"), "Accept: " + accept + " got " + type);
            Iterator<String> lines = r.body().iterator();
            assertTrue(CompletableFuture.supplyAsync(() -> {
                while (lines.hasNext()) {
                    if (lines.next().replace(" ", "").equals("event:hello")) {
                        return true;
                    }
                }
                return false;
            }).get(60, TimeUnit.SECONDS), "the stream said hello to Accept: " + accept);
        } finally {
            r.body().close();
        }
    }

    @Test
    void anAcceptThatAllowsTheStreamGetsIt() throws Exception {
        assertStreams("text/event-stream");
        assertStreams("*/*");
        assertStreams("text/*");
        assertStreams("application/json;q=0.9, */*;q=0.1");
    }

    @Test
    void noAcceptAtAllGetsTheStream() throws Exception {
        try (RawHttp raw = new RawHttp(running.app.port())) {
            raw.head("GET", "/api/events", Map.of());
            RawHttp.Response head = raw.readHead();
            assertEquals(200, head.status());
            assertTrue(head.header("Content-Type").startsWith("text/event-stream"), head.headers().toString());
        }
    }

    @Test
    void anAcceptThatAllowsNoEventStreamGets406NamingTheHeaderAndTheType() {
        HttpResponse<String> json = events("application/json");
        assertError(json, 406, "not_acceptable");
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                json.headers().map().toString());
        String detail = json(json).get("detail").asText();
        assertTrue(detail.contains("Accept: application/json") && detail.contains("text/event-stream"), detail);

        assertError(events("text/html, application/xhtml+xml"), 406, "not_acceptable");
        HttpResponse<String> refused = events("text/event-stream;q=0, */*");
        assertError(refused, 406, "not_acceptable");
        assertTrue(json(refused).get("detail").asText().contains("q=0"), refused.body());
    }

    @Test
    void anAcceptThatCannotBeReadGets400NamingIt() {
        HttpResponse<String> r = events("json");
        assertError(r, 400, "bad_request");
        JsonNode body = json(r);
        assertTrue(body.get("detail").asText().contains("'json'"), r.body());
    }
}
