package dev.photoqueue.upload.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendHealth;
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
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /readyz} against a backend that answers, fails, hangs or reports itself down, on a real server. */
class ReadinessTest {

    private static final Instant SINCE = Instant.parse("2026-11-28T09:00:00Z");
    private static final BackendHealth UP = BackendHealth.up("Kafka cluster abc at kafka:9092 answers", SINCE);

    @Test
    void readyWhileTheBackendAnswers() throws Exception {
        HttpResponse<String> r = readyz(UP, () -> Set.of("photo.uploaded"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertEquals(1, body.get("topics").asInt());
        assertEquals(UP.detail(), body.get("detail").asText());
        assertEquals(SINCE.toString(), body.get("since").asText());
    }

    @Test
    void notReadyWhileTheBackendReportsItselfDownWithItsDetailAndSince() throws Exception {
        BackendHealth down = BackendHealth.down("no answer from Kafka at kafka:9092: timed out", SINCE);
        HttpResponse<String> r = readyz(down, () -> {
            throw new AssertionError("a backend that reports itself down is not asked");
        });
        assertNotReady(r, "kafka:9092");
        assertEquals(SINCE.toString(), new ObjectMapper().readTree(r.body()).get("since").asText());
    }

    @Test
    void notReadyWhenTheBackendFails() throws Exception {
        HttpResponse<String> r = readyz(UP, () -> {
            throw new StorageException("/data/queue", "listing topics", new java.io.IOException("EIO"));
        });
        assertNotReady(r, "/data/queue");
    }

    @Test
    void notReadyWhenTheBackendDoesNotAnswerInTime() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        HttpResponse<String> r = readyz(UP, () -> {
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

    private static HttpResponse<String> readyz(BackendHealth health, Supplier<Set<String>> listTopics)
            throws Exception {
        Admin admin = (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("listTopics")) {
                        return listTopics.get();
                    }
                    throw new UnsupportedOperationException(method.getName() + " is not part of this test");
                });
        HealthController controller = new HealthController(() -> health, admin, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Javalin server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            ErrorMapping.register(cfg.routes);
            cfg.routes.get("/readyz", controller::ready);
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
