package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.DecodeBudget;
import dev.photoqueue.worker.image.ImageFormat;
import dev.photoqueue.worker.image.ImageHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sync uploads render on the request thread, one at a time a core: with every slot rendering, one
 * more is refused at once with 503 {@code sync_busy} and Retry-After, and stores nothing; a burst
 * of large photos could otherwise run the server out of heap. The renders are held at a gate on
 * the blob store's files, so the test knows every slot is busy without timing anything.
 */
class SyncRenderSlotsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void aSyncUploadWhileEveryRenderSlotIsBusyGets503SyncBusyAtOnceAndKeepsNothing() throws Exception {
        int slots = Runtime.getRuntime().availableProcessors();
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        Path blobs = config.blobDir().toAbsolutePath().normalize();
        Path originals = blobs.resolve("originals");
        FaultyFileIO files = new FaultyFileIO();
        // a render, once its original is stored, holds its slot at the first file it opens for its variants
        FaultyFileIO.Gate rendering = files.gate(Op.OPEN, p -> p.startsWith(blobs) && !p.startsWith(originals));
        ExecutorService senders = Executors.newFixedThreadPool(slots + 1);
        try (App app = App.start(config, QueueBackends.open(config.backendSettings()), files)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            List<Future<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                String key = "rendering-" + i;
                held.add(senders.submit(() -> syncUpload(client, key)));
            }
            assertTrue(rendering.awaitArrivals(slots, WAIT), "all " + slots + " slots came to render");

            Future<HttpResponse<String>> extra = senders.submit(() -> syncUpload(client, "one-too-many"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!extra.isDone()) {
                assertFalse(rendering.awaitArrivals(1, Duration.ofMillis(20)),
                        "the upload beyond the " + slots + " slots began to render");
                assertTrue(System.nanoTime() < deadline, "no answer to the upload beyond the slots within " + WAIT);
            }
            HttpResponse<String> refused = extra.get();

            assertEquals(503, refused.statusCode(), refused.body());
            JsonNode error = TestClient.json(refused);
            assertEquals("sync_busy", error.get("error").asText(), refused.body());
            assertTrue(error.get("detail").asText().contains(slots + " sync render slots"), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null), "Retry-After");
            assertFalse(names(originals).contains(photoId("one-too-many")), "the refused upload stored nothing: "
                    + names(originals));

            rendering.open();
            for (Future<HttpResponse<String>> upload : held) {
                HttpResponse<String> done = upload.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals(201, done.statusCode(), done.body());
            }
            HttpResponse<String> again = syncUpload(client, "one-too-many");
            assertEquals(201, again.statusCode(), "a slot is free again: " + again.body());
        } finally {
            rendering.open();
            senders.shutdownNow();
        }
    }

    /**
     * A slot is free, but the workers' decodes in this JVM hold nearly all of the process's decode
     * budget (held here directly, as a worker holds it while it renders): the sync render does not
     * wait for them, it is refused at once with 503 {@code sync_busy} and Retry-After, and keeps nothing.
     */
    @Test
    void aSyncUploadThatDoesNotFitTheDecodeBudgetNowGets503SyncBusyAndKeepsNothing() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        Path originals = config.blobDir().toAbsolutePath().normalize().resolve("originals");
        DecodeBudget budget = DecodeBudget.shared();
        try (App app = App.start(config)) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            HttpResponse<String> refused;
            try (DecodeBudget.Reservation workers = budget.reserve("held-by-workers",
                    new ImageHeader(ImageFormat.JPEG, 8000, 6000), budget.totalBytes() - 1024)) {
                refused = syncUpload(client, "over-budget");
                assertEquals(budget.totalBytes() - 1024, budget.reservedBytes(), "the refused render holds nothing");
            }

            assertEquals(503, refused.statusCode(), refused.body());
            JsonNode error = TestClient.json(refused);
            assertEquals("sync_busy", error.get("error").asText(), refused.body());
            assertTrue(error.get("detail").asText().contains("decode budget"), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null), "Retry-After");
            assertFalse(names(originals).contains(photoId("over-budget")), "the refused upload stored nothing: "
                    + names(originals));

            String metrics = client.get("/metrics").body();
            assertTrue(metric(metrics, "photoqueue_decode_budget_refusals_total") >= 1, "refusals counted");
            assertEquals((double) budget.totalBytes(), metric(metrics, "photoqueue_decode_budget_bytes"), "budget");

            HttpResponse<String> again = syncUpload(client, "over-budget");
            assertEquals(201, again.statusCode(), "the budget is free again: " + again.body());
            assertEquals(0, budget.reservedBytes());
        }
    }

    private static HttpResponse<String> syncUpload(TestClient client, String idempotencyKey) {
        return client.upload("?mode=sync", Map.of("Idempotency-Key", idempotencyKey),
                TestClient.Part.file("file", "GreenMeadow.jpg", TestClient.sample("GreenMeadow.jpg")));
    }

    /** The value of the unlabelled metric {@code name} in Prometheus text. */
    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(
                "no " + name + " in /metrics"));
    }

    /** The photo id an upload with this Idempotency-Key gets. */
    private static String photoId(String idempotencyKey) {
        return "k" + BlobStore.sha256(idempotencyKey.getBytes(StandardCharsets.UTF_8)).substring(0, 31);
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
