package dev.photoqueue.upload.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.upload.service.GroupNotFoundException;
import dev.photoqueue.upload.service.InvalidValueException;
import dev.photoqueue.upload.service.ReplayService;
import dev.photoqueue.upload.service.WorkerNotFoundException;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The status of a failed request follows the type of the services' exception, never its message,
 * on a real server: not found 404, invalid value 400, a busy group 409, each with the
 * {@code {error, detail}} body; an exception of no mapped type is a 500, even when it is an
 * {@link IllegalArgumentException} whose message speaks of a bad value.
 */
class ErrorMappingTest {

    private static final Map<String, RuntimeException> THROWN = Map.of(
            "/worker", new WorkerNotFoundException("no running worker w-9; running: [w-0]", null),
            "/group", new GroupNotFoundException("nobody", "[thumbnailers] and status-view"),
            // a message that reads like a missing thing: the type still decides
            "/invalid", new InvalidValueException("unknown setting 'colour'; known: partitionKey"),
            "/busy", new ReplayService.GroupBusyException("group thumbnailers has members of other processes [x]"),
            "/bug", new IllegalArgumentException("count must be between 0 and 16, was 99"));

    private Javalin server;

    @BeforeEach
    void start() {
        server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            ErrorMapping.register(cfg.routes);
            THROWN.forEach((path, e) -> cfg.routes.get(path, throwing(e)));
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private static Handler throwing(RuntimeException e) {
        return ctx -> {
            throw e;
        };
    }

    @Test
    void aWorkerOrGroupNotFoundIsA404NamingIt() throws Exception {
        assertAnswer("/worker", 404, "not_found");
        assertAnswer("/group", 404, "not_found");
    }

    @Test
    void anInvalidValueIsA400WhateverItsMessageSays() throws Exception {
        assertAnswer("/invalid", 400, "bad_request");
    }

    @Test
    void aGroupThatCannotBePausedIsA409() throws Exception {
        assertAnswer("/busy", 409, "conflict");
    }

    @Test
    void anIllegalArgumentOfNoMappedTypeIsAnInternalError() throws Exception {
        HttpResponse<String> r = get("/bug");
        assertEquals(500, r.statusCode(), r.body());
        assertEquals("internal", new ObjectMapper().readTree(r.body()).get("error").asText());
    }

    private void assertAnswer(String path, int status, String error) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertEquals(List.of("error", "detail"), fieldNames(body), r.body());
        assertEquals(error, body.get("error").asText());
        assertEquals(THROWN.get(path).getMessage(), body.get("detail").asText());
    }

    private static List<String> fieldNames(JsonNode body) {
        List<String> names = new java.util.ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
