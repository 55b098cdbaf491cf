package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.inhouse.InhouseTestBackends;
import dev.photoqueue.upload.config.AppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real app on the in-house log whose segment forces fail: the upload whose job could not be
 * forced gets a 503, not a 202, and leaves no original; the partition goes offline rather than
 * retrying the force; {@code /readyz} answers 503 naming it; later uploads are refused at once;
 * and a restart on a healthy disk, which recovers the partition, serves again.
 */
class QueueStorageFaultTest {

    @TempDir
    Path dataDir;
    private final FaultyFileIO files = new FaultyFileIO();

    @Test
    void aFailedForceOfAJobTakesItsPartitionOfflineAndReadyzNamesItUntilTheQueueIsReopened() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        try (App app = startOnFaultyFiles(config)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            assertEquals(202, client.uploadPhoto("GreenMeadow.jpg").statusCode(), "healthy at first");

            files.failAlways(Op.FORCE, FaultyFileIO.under(topicDir(config, "photo.uploaded")));
            HttpResponse<String> refused = client.uploadPhoto("Dune.jpg");
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("offline"), refused.body());
            assertInWords(refused);
            assertEquals(1, originals(config), "the refused upload left no original");

            HttpResponse<String> ready = client.get("/readyz");
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode body = TestClient.json(ready);
            assertTrue(body.get("detail").asText().contains("photo.uploaded-"), ready.body());
            assertTrue(body.get("detail").asText().contains("offline"), ready.body());

            HttpResponse<String> metrics = client.get("/metrics");
            assertTrue(metrics.body().lines().anyMatch(l -> l.matches("photoqueue_partitions_offline(\\{.*})? 1\\.0")),
                    "the offline partition is counted for alerting:\n" + metrics.body().lines()
                            .filter(l -> l.contains("offline")).toList());

            refusedAsDown(client);
            int forcesTried = files.injected();
            refusedAsDown(client);
            assertEquals(forcesTried, files.injected(), "a refused upload tries no force: the queue is known down");
        }

        try (App restarted = App.start(config)) {
            TestClient client = new TestClient(restarted.port(), config.adminToken());
            assertEquals(200, client.get("/readyz").statusCode(), "reopening recovered the partition");
            assertEquals(202, client.uploadPhoto("Dune.jpg").statusCode());
        }
    }

    @Test
    void aSyncUploadWhoseOutcomeCannotBeWrittenIsRefusedSayingWhyInWords() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        try (App app = startOnFaultyFiles(config)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            files.failAlways(Op.WRITE, FaultyFileIO.under(topicDir(config, "photo.events")));

            HttpResponse<String> refused = client.upload("?mode=sync", Map.of(),
                    TestClient.Part.file("file", "meadow.jpg", TestClient.sample("GreenMeadow.jpg")));
            assertEquals(503, refused.statusCode(), refused.body());
            JsonNode body = TestClient.json(refused);
            assertEquals("queue_unavailable", body.get("error").asText(), refused.body());
            assertTrue(body.get("detail").asText().contains("was not written to photo.events: "
                    + "cannot append"), refused.body());
            assertInWords(refused);
        }
    }

    /** The app of {@code config}, its in-house queue's files those of {@link #files}. */
    private App startOnFaultyFiles(AppConfig config) {
        QueueBackend backend = InhouseTestBackends.open(config.backendSettings(), Env.system().withFiles(files));
        return App.start(config, backend, FileIO.local());
    }

    private static Path topicDir(AppConfig config, String topic) {
        return config.queueDir().toAbsolutePath().normalize().resolve(topic);
    }

    /** A refusal's detail says why as an operator would, without a Java type's name. */
    private static void assertInWords(HttpResponse<String> refused) throws Exception {
        String detail = TestClient.json(refused).get("detail").asText();
        assertFalse(detail.contains("Exception") || detail.contains("dev.photoqueue") || detail.contains("java."),
                "no Java type's name: " + detail);
    }

    /**
     * Uploads until one is refused because the queue reports itself down (the app caches the
     * backend's health briefly, so the first may still try a partition); every answer is a 503.
     */
    private static void refusedAsDown(TestClient client) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> r = client.uploadPhoto("GreenMeadow.jpg");
            assertEquals(503, r.statusCode(), r.body());
            if (r.body().contains("is down since")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "no upload was refused as 'down' within 60 s: " + r.body());
            Thread.sleep(50);
        }
    }

    private static long originals(AppConfig config) throws Exception {
        Path dir = config.blobDir().resolve("originals");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
