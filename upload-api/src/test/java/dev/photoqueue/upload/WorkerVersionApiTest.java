package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.upload.config.InvalidSettingException;
import dev.photoqueue.worker.WorkerVersion;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.Rendering;
import dev.photoqueue.worker.image.VariantSpec;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.*;

/** The worker version setting over HTTP on a real app: its answers, its errors, and the sync path following it. */
class WorkerVersionApiTest {

    @Test
    void badVersionsGet400NamingTheFieldAndValueAndChangeNothing() {
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "1", "PARTITIONS", "2"))) {
            TestClient client = running.client;
            HttpResponse<String> unknown = client.admin("PUT", "/api/settings", "{\"workerVersion\": \"v9\"}");
            assertDetail(unknown, 400, "workerVersion must be one of v1, v2, v3, was 'v9'");
            HttpResponse<String> number = client.admin("PUT", "/api/settings",
                    "{\"maxBacklog\": 7, \"workerVersion\": 2}");
            assertDetail(number, 400, "workerVersion must be one of v1, v2, v3, was 2");
            JsonNode settings = json(client.get("/api/settings"));
            assertEquals("v1", settings.get("workerVersion").asText());
            assertNotEquals(7, settings.get("maxBacklog").asInt(), "a refused update changed another field");
            assertEquals(1, settings.get("workerVersions").size(), settings.toString());

            assertDetail(client.get("/photos/nosuchphoto/v9/thumb.jpg"), 404, "worker version 'v9'");
            assertDetail(client.get("/photos/nosuchphoto/v2/thumb.jpg"), 404, "no variant 'thumb'");
        }
    }

    @Test
    void aSyncUploadRendersWithTheVersionTheWorkersAreSetTo() throws Exception {
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "0", "PARTITIONS", "2"))) {
            TestClient client = running.client;
            HttpResponse<String> set = client.admin("PUT", "/api/settings", "{\"workerVersion\": \"v2\"}");
            assertEquals(200, set.statusCode(), set.body());
            JsonNode runs = json(set).get("workerVersions");
            assertEquals("v1", runs.get(0).get("version").asText());
            assertEquals("v2", runs.get(1).get("version").asText());
            assertEquals(WorkerVersion.V2.description(), runs.get(1).get("description").asText());

            HttpResponse<String> r = client.upload("?mode=sync", Map.of(),
                    TestClient.Part.file("file", "Dune.jpg", TestClient.sample("Dune.jpg")));
            assertEquals(201, r.statusCode(), r.body());
            String id = json(r).get("id").asText();
            String thumb = json(r).get("variants").get("thumb").asText();
            assertEquals("/photos/" + id + "/v2/thumb.jpg", thumb);
            HttpResponse<byte[]> served = client.getBytes(thumb);
            assertEquals(200, served.statusCode());
            assertArrayEquals(Files.readAllBytes(running.dataDir.resolve("blobs/photos/" + id + "/v2/thumb.jpg")),
                    served.body());
            byte[] faulty = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS).render(id, TestClient.sample("Dune.jpg"),
                    VariantSpec.DEFAULTS, Rendering.UPSIDE_DOWN).variants().get(0).jpeg();
            assertArrayEquals(faulty, served.body(), "the sync thumbnail is not v2's upside-down rendering");
            assertFalse(Files.exists(running.dataDir.resolve("blobs/photos/" + id + "/thumb.jpg")),
                    "v2 wrote the first version's file");
        }
    }

    @Test
    void theStartingVersionComesFromWorkerVersion() {
        assertEquals(WorkerVersion.V3, AppConfig.fromSources(Map.of("WORKER_VERSION", "v3"), new Properties())
                .workerVersion());
        assertEquals(WorkerVersion.V1, AppConfig.defaults().workerVersion());
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> AppConfig.fromSources(Map.of("WORKER_VERSION", "fixed"), new Properties()));
        assertEquals("WORKER_VERSION", e.variable());
        assertEquals("WORKER_VERSION='fixed' is not valid: must be one of v1, v2, v3", e.getMessage());
    }

    private static void assertDetail(HttpResponse<String> r, int status, String detailPart) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(json(r).get("detail").asText().contains(detailPart), r.body());
    }
}
