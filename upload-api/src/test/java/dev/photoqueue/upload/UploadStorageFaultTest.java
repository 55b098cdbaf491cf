package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real app whose upload blob store writes through a {@link FaultyFileIO}: an upload whose
 * original cannot be forced to disk is answered with a 5xx JSON error that names the cause, never
 * a 202, and no job reaches {@code photo.uploaded}; once the disk is healthy the same upload is
 * accepted and its job counted, which shows the count would have seen one. A full disk is told
 * apart: 507 {@code storage_full}, not an internal error.
 */
class UploadStorageFaultTest {

    @TempDir
    Path dataDir;

    @Test
    void anUploadWhoseOriginalCannotBeForcedGetsAnErrorNamingTheCauseAndProducesNoJob() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        Path originals = config.blobDir().toAbsolutePath().normalize().resolve("originals");
        FaultyFileIO files = new FaultyFileIO().failAlways(Op.FORCE, FaultyFileIO.under(originals));
        String key = "original-cannot-be-forced";
        String photoId = "k" + BlobStore.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 31);

        try (App app = App.start(config, QueueBackends.open(config.backendSettings()), files)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            HttpResponse<String> refused = upload(client, key);

            assertTrue(refused.statusCode() >= 500, refused.statusCode() + " " + refused.body());
            JsonNode error = TestClient.json(refused);
            String detail = error.get("detail").asText();
            assertTrue(detail.contains("BlobIOException") && detail.contains("forcing the staged file")
                    && detail.contains(photoId) && detail.contains(originals.toString()), refused.body());
            assertTrue(files.injected() >= 1, "the force failed by injection");
            assertEquals(0, uploadedJobs(client.get("/api/queue")), "no job was produced");
            assertEquals(List.of(), names(originals), "neither the original nor its temporary file is left");

            files.heal();
            HttpResponse<String> accepted = upload(client, key);
            assertEquals(202, accepted.statusCode(), accepted.body());
            client.await("/api/queue", queue -> uploadedJobs(queue) == 1, Duration.ofSeconds(60));
            assertEquals(List.of(photoId), names(originals));
        }
    }

    @Test
    void anUploadThatFindsTheDiskFullGets507StorageFullAndIsAcceptedOnceThereIsRoom() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        Path originals = config.blobDir().toAbsolutePath().normalize().resolve("originals");
        FaultyFileIO files = new FaultyFileIO().diskFullAfter(10_000, FaultyFileIO.under(originals));
        String key = "disk-full";
        String photoId = "k" + BlobStore.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 31);

        try (App app = App.start(config, QueueBackends.open(config.backendSettings()), files)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            HttpResponse<String> refused = upload(client, key);

            assertEquals(507, refused.statusCode(), refused.body());
            JsonNode error = TestClient.json(refused);
            assertEquals("storage_full", error.get("error").asText(), refused.body());
            String detail = error.get("detail").asText();
            assertTrue(detail.contains("No space left on device") && detail.contains(photoId)
                    && detail.contains(originals.toString()), refused.body());
            assertFalse(detail.contains("Exception"), "the detail speaks to a user, not in class names: " + detail);
            assertEquals(0, uploadedJobs(client.get("/api/queue")), "no job was produced");
            assertEquals(List.of(), names(originals), "neither the original nor its temporary file is left");

            files.heal();
            HttpResponse<String> accepted = upload(client, key);
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertEquals(List.of(photoId), names(originals));
        }
    }

    @Test
    void uploadsStopAtTwiceTheWorkersReserveSoThePhotosAcceptedBeforeCanStillBeProcessed() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        Path store = config.blobDir().toAbsolutePath().normalize();
        FaultyFileIO files = new FaultyFileIO();

        try (App app = App.start(config, QueueBackends.open(config.backendSettings()), files)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            HttpResponse<String> accepted = upload(client, "before-the-disk-filled");
            assertEquals(202, accepted.statusCode(), accepted.body());
            String acceptedId = TestClient.json(accepted).get("id").asText();

            // 24 MiB left: below the 32 MiB uploads leave, above the 16 MiB under which a worker takes no job
            files.diskFullAfter(24L << 20, FaultyFileIO.under(store));
            HttpResponse<String> refused = upload(client, "after-the-disk-filled");

            assertEquals(507, refused.statusCode(), refused.body());
            JsonNode error = TestClient.json(refused);
            assertEquals("storage_full", error.get("error").asText(), refused.body());
            assertTrue(error.get("detail").asText().contains("uploads stop at 32 MiB so that the workers can finish"),
                    refused.body());
            assertEquals(1, uploadedJobs(client.get("/api/queue")), "the refused upload produced no job");
            assertEquals(List.of(acceptedId), names(store.resolve("originals")), "no staged file is left");

            // the photo accepted before is still processed (this app's workers write through the real disk)
            HttpResponse<String> added = client.admin("PUT", "/api/workers", "{\"count\":1}");
            assertEquals(200, added.statusCode(), added.body());
            client.await("/api/photos/" + acceptedId, photo -> photo.get("status").asText().equals("DONE"),
                    Duration.ofSeconds(120));
        }
    }

    private static HttpResponse<String> upload(TestClient client, String idempotencyKey) {
        return client.upload("", Map.of("Idempotency-Key", idempotencyKey),
                TestClient.Part.file("file", "GreenMeadow.jpg", TestClient.sample("GreenMeadow.jpg")));
    }

    /** Records in every partition of {@code photo.uploaded}, from the dashboard's queue snapshot. */
    private static long uploadedJobs(HttpResponse<String> queue) {
        assertEquals(200, queue.statusCode(), queue.body());
        return uploadedJobs(TestClient.json(queue));
    }

    private static long uploadedJobs(JsonNode queue) {
        long records = 0;
        for (JsonNode topic : queue.get("topics")) {
            if (topic.get("name").asText().equals(Topics.PHOTO_UPLOADED)) {
                for (JsonNode partition : topic.get("partitions")) {
                    records += partition.get("end").asLong() - partition.get("start").asLong();
                }
            }
        }
        return records;
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
