package dev.photoqueue.upload.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.StorageException;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /readyz} against a backend that answers, fails or hangs, on a real server. */
class ReadinessTest {

    @Test
    void readyWhileTheBackendAnswers() throws Exception {
        HttpResponse<String> r = readyz(() -> Set.of("photo.uploaded"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, new ObjectMapper().readTree(r.body()).get("topics").asInt());
    }

    @Test
    void notReadyWhenTheBackendFails() throws Exception {
        HttpResponse<String> r = readyz(() -> {
            throw new StorageException("/data/queue", "listing topics", new java.io.IOException("EIO"));
        });
        assertNotReady(r, "/data/queue");
    }

    @Test
    void notReadyWhenTheBackendDoesNotAnswerInTime() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        HttpResponse<String> r = readyz(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Set.of();
        });
        never.countDown();
        assertNotReady(r, "did not answer within " + HealthController.READY_TIMEOUT_MILLIS + " ms");
    }

    private static void assertNotReady(HttpResponse<String> r, String detail) throws Exception {
        assertEquals(503, r.statusCode(), r.body());
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertEquals("not_ready", body.get("error").asText());
        assertTrue(body.get("detail").asText().contains(detail), r.body());
    }

    private static HttpResponse<String> readyz(Supplier<Set<String>> listTopics) throws Exception {
        Admin admin = (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("listTopics")) {
                        return listTopics.get();
                    }
                    throw new UnsupportedOperationException(method.getName() + " is not part of this test");
                });
        HealthController health = new HealthController(admin, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Javalin server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            ErrorMapping.register(cfg.routes);
            cfg.routes.get("/readyz", health::ready);
        }).start("127.0.0.1", 0);
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/readyz")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            server.stop();
        }
    }
}
