package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.Quadrants;
import dev.photoqueue.worker.image.RenderedVariant;
import dev.photoqueue.worker.image.Rendering;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.Topics;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.photoqueue.upload.TestClient.json;
import static dev.photoqueue.worker.image.Quadrants.assertQuadrants;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The walkthrough's replay after a bug fix, on a real app (real HTTP server on port 0, real files,
 * the queue backend the environment names), asserted to the byte: photos made by v1, then the
 * faulty v2 (upside down), then the fix v3; a replay of the workers' group from the moment v2
 * started; afterwards every variant the gallery links to is byte for byte what the correct
 * rendering makes, v1's files of the photos from before the bug were not rewritten, v3 skipped
 * what it had made itself, the workers are back in their group and working, and a replay is
 * refused (409, nothing moved) while the group has a member this process cannot pause.
 */
final class ReplayAfterFixScenario implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(120);
    private static final int WORKERS = 2;

    private final App app;
    private final QueueBackend backend;
    private final TestClient client;
    private final Path blobs;
    private final ImagePipeline reference = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS);
    private final Map<String, byte[]> sources = new HashMap<>();
    private int photosMade;

    /** Starts the app on {@code environment} (plus a fresh data folder, port 0, loopback). */
    ReplayAfterFixScenario(Map<String, String> environment) throws IOException {
        Path dataDir = Files.createTempDirectory("photoqueue-replay-test");
        Map<String, String> env = new HashMap<>(environment);
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.put("DATA_DIR", dataDir.toString());
        env.put("WORKERS", String.valueOf(WORKERS));
        AppConfig config = AppConfig.fromSources(env, new Properties());
        // opened here so that the test can add a member of its own to the workers' group; the app owns it
        this.backend = QueueBackends.open(config.backendSettings());
        this.app = App.start(config, backend, FileIO.local());
        this.client = new TestClient(app.port(), null);
        this.blobs = config.blobDir();
    }

    void run() throws Exception {
        assertEquals("v1", json(client.get("/api/settings")).get("workerVersion").asText());
        List<String> beforeBug = uploadAndAwaitDone("before", 2);
        Map<Path, FileState> beforeBugFiles = fileStates(beforeBug);

        Instant bugStart = deploy("v2");
        List<String> buggy = uploadAndAwaitDone("buggy", 3);
        Map<String, String> faultyThumbs = new HashMap<>();
        for (String id : buggy) {
            String thumb = variants(id).get("thumb");
            assertEquals("/photos/" + id + "/v2/thumb.jpg", thumb);
            assertQuadrants(decode(fetch(thumb)), true, thumb);
            faultyThumbs.put(id, thumb);
        }

        deploy("v3");
        List<String> afterFix = uploadAndAwaitDone("fixed", 1);
        Map<Path, FileState> afterFixFiles = fileStates(afterFix);
        assertTrue(variants(afterFix.get(0)).get("thumb").contains("/v3/"));

        JsonNode replay = replayWorkers(bugStart, 200);
        assertEquals(WORKERS, replay.get("workersPaused").asInt(), replay.toString());

        // the gallery heals: every faulty photo gets the fixed rendering's URLs
        for (String id : buggy) {
            client.await("/api/photos/" + id, p -> p.get("variants").path("thumb").asText().equals(
                    "/photos/" + id + "/v3/thumb.jpg"), WAIT);
        }
        // the photo v3 had made itself came again and was found done: its second event is counted
        client.await("/api/stats", s -> counted(s, "fixed") == 2, WAIT);
        client.await("/api/queue", q -> thumbnailersLag(q) == 0, WAIT);

        List<String> all = new ArrayList<>(beforeBug);
        all.addAll(buggy);
        all.addAll(afterFix);
        assertEveryVariantIsTheCorrectRendering(all);
        for (String id : buggy) {
            assertNotEquals(faultyThumbs.get(id), variants(id).get("thumb"), "a healed thumbnail needs a new URL");
            // the faulty files stay beside the fixed ones, as v2 made them
            for (RenderedVariant v : render(id, Rendering.UPSIDE_DOWN)) {
                assertArrayEquals(v.jpeg(), Files.readAllBytes(blobs.resolve("photos/" + id + "/v2/" + v.spec().name()
                        + ".jpg")), "v2's " + v.spec().name() + " of " + id);
            }
        }
        assertEquals(beforeBugFiles, fileStates(beforeBug), "a variant of a photo from before the bug was rewritten");
        for (String id : beforeBug) {
            assertFalse(Files.exists(blobs.resolve("photos/" + id + "/v3")), "photo " + id + " from before the bug "
                    + "was rendered again");
        }
        assertEquals(afterFixFiles, fileStates(afterFix), "v3 rewrote the variants it had made itself");
        assertEquals(2, counted(json(client.get("/api/stats")), "before"), "a photo from before the bug came again");

        // the workers are back in their group, and they run the fix
        assertEquals(WORKERS, json(client.get("/api/workers")).get("count").asInt());
        String later = uploadAndAwaitDone("later", 1).get(0);
        assertArrayEquals(render(later, Rendering.UPRIGHT).get(0).jpeg(), fetch(variants(later).get("thumb")));

        refusesWhileAMemberOfAnotherProcessIsInTheGroup(bugStart);
    }

    /**
     * A member that is not one of the app's workers (a worker process elsewhere) cannot be paused
     * by the app: the replay is refused with 409 naming it, before anything moves.
     */
    private void refusesWhileAMemberOfAnotherProcessIsInTheGroup(Instant from) {
        JsonNode before = json(client.get("/api/queue"));
        GroupConsumer elsewhere = backend.groupConsumer(GroupConsumerConfig.builder(Topics.THUMBNAILERS)
                .clientId("worker-elsewhere-0").build());
        try {
            elsewhere.subscribe(List.of(Topics.PHOTO_UPLOADED));
            long deadline = System.nanoTime() + WAIT.toNanos();
            // a member joins in its polls; nothing is waiting, so it takes no job
            while (!hasMember(json(client.get("/api/queue")), "worker-elsewhere-0")) {
                assertTrue(elsewhere.poll(Duration.ofMillis(100)).isEmpty());
                assertTrue(System.nanoTime() < deadline, "the test's member did not join within " + WAIT);
            }
            JsonNode refused = replayWorkers(from, 409);
            assertEquals("conflict", refused.get("error").asText());
            assertTrue(refused.get("detail").asText().contains("worker-elsewhere-0"), refused.toString());
            assertEquals(committed(before), committed(json(client.get("/api/queue"))), "a refused replay moved a position");
            assertEquals(WORKERS, json(client.get("/api/workers")).get("count").asInt());
        } finally {
            elsewhere.close();
        }
    }

    private JsonNode replayWorkers(Instant from, int expectedStatus) {
        HttpResponse<String> r = client.admin("POST", "/api/replay",
                "{\"group\": \"" + Topics.THUMBNAILERS + "\", \"from\": \"" + from + "\"}");
        assertEquals(expectedStatus, r.statusCode(), r.body());
        return json(r);
    }

    /** Switches the workers to {@code version}; returns when it started, as the settings report it. */
    private Instant deploy(String version) {
        HttpResponse<String> r = client.admin("PUT", "/api/settings", "{\"workerVersion\": \"" + version + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode runs = json(r).get("workerVersions");
        JsonNode last = runs.get(runs.size() - 1);
        assertEquals(version, last.get("version").asText(), r.body());
        return Instant.parse(last.get("since").asText());
    }

    private List<String> uploadAndAwaitDone(String user, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = photosMade++;
            byte[] png = Quadrants.png(520 + 40 * n, 390 + 30 * n);
            HttpResponse<String> r = client.upload("", Map.of(), TestClient.Part.file("file", user + n + ".png", png),
                    TestClient.Part.field("user", user));
            assertEquals(202, r.statusCode(), r.body());
            String id = json(r).get("id").asText();
            sources.put(id, png);
            ids.add(id);
        }
        for (String id : ids) {
            client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
        }
        return ids;
    }

    /** Every variant the gallery links to is, byte for byte, what the correct rendering makes of its photo. */
    private void assertEveryVariantIsTheCorrectRendering(List<String> ids) {
        for (String id : ids) {
            Map<String, String> urls = variants(id);
            List<RenderedVariant> expected = render(id, Rendering.UPRIGHT);
            assertEquals(expected.stream().map(v -> v.spec().name()).toList(), List.copyOf(urls.keySet()));
            for (RenderedVariant v : expected) {
                byte[] served = fetch(urls.get(v.spec().name()));
                assertArrayEquals(v.jpeg(), served, urls.get(v.spec().name()));
                assertQuadrants(decode(served), false, urls.get(v.spec().name()));
            }
        }
    }

    private List<RenderedVariant> render(String id, Rendering rendering) {
        return reference.render(id, sources.get(id), VariantSpec.DEFAULTS, rendering).variants();
    }

    private Map<String, String> variants(String id) {
        JsonNode photo = json(client.get("/api/photos/" + id));
        Map<String, String> urls = new LinkedHashMap<>();
        photo.get("variants").fields().forEachRemaining(e -> urls.put(e.getKey(), e.getValue().asText()));
        return urls;
    }

    private byte[] fetch(String url) {
        HttpResponse<byte[]> r = client.getBytes(url);
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    /** Bytes, identity and time of every variant file the photos' URLs name (the URL path is the file's). */
    private Map<Path, FileState> fileStates(List<String> ids) throws IOException {
        Map<Path, FileState> states = new HashMap<>();
        for (String id : ids) {
            for (String url : variants(id).values()) {
                Path file = blobs.resolve(url.substring(1));
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                assertNotNull(a.fileKey(), "this file system reports no file keys");
                states.put(file, new FileState(Files.readAllBytes(file), a.fileKey(), a.lastModifiedTime()));
            }
        }
        return states;
    }

    /** A file as found: a rewrite (temp file and rename) changes its key, even with the same bytes. */
    private record FileState(byte[] bytes, Object fileKey, FileTime modified) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileState f && java.util.Arrays.equals(bytes, f.bytes) && fileKey.equals(f.fileKey)
                    && modified.equals(f.modified);
        }

        @Override
        public int hashCode() {
            return fileKey.hashCode();
        }

        @Override
        public String toString() {
            return "FileState[" + bytes.length + " bytes, key " + fileKey + ", modified " + modified + "]";
        }
    }

    private static long counted(JsonNode stats, String user) {
        for (JsonNode u : stats.get("users")) {
            if (u.get("userId").asText().equals(user)) {
                return u.get("counted").asLong();
            }
        }
        return 0;
    }

    private static long thumbnailersLag(JsonNode queue) {
        for (JsonNode g : queue.get("groups")) {
            if (g.get("id").asText().equals(Topics.THUMBNAILERS)) {
                return g.get("totalLag").asLong();
            }
        }
        return -1;
    }

    private static boolean hasMember(JsonNode queue, String clientId) {
        for (JsonNode g : queue.get("groups")) {
            if (g.get("id").asText().equals(Topics.THUMBNAILERS)) {
                for (JsonNode m : g.get("members")) {
                    if (m.get("clientId").asText().equals(clientId)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Map<String, Long> committed(JsonNode queue) {
        Map<String, Long> positions = new HashMap<>();
        for (JsonNode g : queue.get("groups")) {
            if (g.get("id").asText().equals(Topics.THUMBNAILERS)) {
                for (JsonNode p : g.get("partitions")) {
                    positions.put(p.get("topic").asText() + "-" + p.get("partition").asInt(), p.get("committed").asLong());
                }
            }
        }
        return positions;
    }

    private static BufferedImage decode(byte[] jpeg) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertNotNull(image, "not an image");
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
