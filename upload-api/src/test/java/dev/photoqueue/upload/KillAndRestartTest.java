package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.testing.SmallFileSystem;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The app in a process of its own, killed with SIGKILL while jobs wait with no worker running,
 * then started again with workers: each waiting job is delivered once, and its photo says
 * {@code attempts: 1}. With the default session timeout (10 s), as in the demo: on a busy machine
 * the restarted workers' first jobs (a cold JVM, image work at nice 19) took 8 to 23 s, and a
 * worker still busy with its job must not be taken for a crashed one. ({@code SlowJobTest} in the
 * worker module makes a job slower than the session timeout on any machine.) Settings saved by
 * {@code PUT /api/settings} before the kill are the ones the waiting jobs run under after it, and
 * a damaged settings file or a full disk ends the start with a line naming the file.
 */
@Timeout(900)
class KillAndRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final String[] SAMPLES = {"Dune.jpg", "TwoWings.jpg", "LadyBird.jpg"};
    /** Kept when the test fails: the apps' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dataDir;

    private final List<Process> apps = new ArrayList<>();

    /** A DATA_DIR that is full from the start: a 1 MiB tmpfs (the test is skipped, saying why, where it cannot be mounted). */
    @RegisterExtension
    static final SmallFileSystem smallDisk = SmallFileSystem.ofBytes(1L << 20);

    @AfterEach
    void killApps() throws InterruptedException {
        for (Process app : apps) {
            app.destroyForcibly().waitFor();
        }
    }

    @Test
    void jobsQueuedBeforeAKill9AreEachDeliveredOnceAfterTheRestart() throws Exception {
        int port = freePort();
        Process first = start(port, Map.of("WORKERS", "0"));
        TestClient client = awaitUp(port, first);
        List<String> ids = uploadSamples(client);
        first.destroyForcibly().waitFor();

        Process second = start(port, Map.of("WORKERS", "2"));
        client = awaitUp(port, second);
        for (String id : ids) {
            client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
        }
        // Acked only after its outcome event went out: at lag 0 every delivery's event is in photo.events.
        client.await("/api/queue", q -> QueueAdminApiTest.group(q, Topics.THUMBNAILERS) != null
                && QueueAdminApiTest.group(q, Topics.THUMBNAILERS).get("totalLag").asLong() == 0, WAIT);
        second.destroy();
        assertTrue(second.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "the app stopped");

        Map<String, List<Integer>> deliveries = processedDeliveryCounts();
        for (String id : ids) {
            assertEquals(List.of(1), deliveries.get(id), "delivery counts of the PhotoProcessed events of photo " + id
                    + " (all photos: " + deliveries + "; app logs in " + dataDir + ")");
        }
        Process third = start(port, Map.of("WORKERS", "0"));
        client = awaitUp(port, third);
        for (String id : ids) {
            JsonNode photo = client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
            assertEquals(1, photo.get("attempts").asInt(), "attempts of photo " + id + ": " + photo);
        }
    }

    @Test
    void settingsSavedBeforeAKill9AreWhatTheRestartedAppProcessesTheBacklogWith() throws Exception {
        int port = freePort();
        Process first = start(port, Map.of("WORKERS", "0"));
        TestClient client = awaitUp(port, first);
        HttpResponse<String> put = client.admin("PUT", "/api/settings",
                "{\"delivery\": \"exactly-once\", \"workerVersion\": \"v3\"}");
        assertEquals(200, put.statusCode(), put.body());
        JsonNode ran = json(put).get("workerVersions");
        assertEquals(2, ran.size(), put.body());
        List<String> ids = uploadSamples(client);
        first.destroyForcibly().waitFor();

        Process second = start(port, Map.of("WORKERS", "2"));
        client = awaitUp(port, second);
        JsonNode settings = json(client.get("/api/settings"));
        assertEquals("exactly-once", settings.get("delivery").asText(), settings.toString());
        assertEquals("v3", settings.get("workerVersion").asText(), settings.toString());
        assertEquals(ran, settings.get("workerVersions"), "the versions that ran and since when, as before the kill");
        for (String id : ids) {
            JsonNode photo = client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
            assertTrue(photo.get("variants").get("thumb").asText().contains("/v3/"),
                    "the waiting job ran under the saved settings: " + photo);
        }
    }

    @Test
    void aDamagedSettingsFileEndsTheStartWithOneLineNamingIt() throws Exception {
        Path file = dataDir.resolve(dev.photoqueue.upload.service.SettingsFile.FILE_NAME);
        java.nio.file.Files.writeString(file, "{\"delivery\": ");
        Process app = start(freePort(), Map.of("WORKERS", "0"));
        assertTrue(app.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "the app ended");
        assertEquals(1, app.exitValue());
        String log = java.nio.file.Files.readString(dataDir.resolve("app-0.log"));
        assertTrue(log.contains("photoqueue: cannot start: the settings file " + file + " is not a JSON object"),
                log);
    }

    @Test
    void aStartOnAFullDiskEndsWithOneLineNamingTheFileNotAStackTrace() throws Exception {
        Path mountPoint = smallDisk.mountPoint();
        Path filler = mountPoint.resolve("filler");
        try {
            try {
                java.nio.file.Files.write(filler, new byte[(int) smallDisk.bytes()]);
            } catch (IOException expected) {
                // the disk is full: what fitted stays, and no new file gets a page
            }
            Process app = start(freePort(), Map.of("WORKERS", "0", "DATA_DIR", mountPoint.resolve("data").toString()));
            assertTrue(app.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "the app ended");
            String log = java.nio.file.Files.readString(dataDir.resolve("app-0.log"));
            assertEquals(1, app.exitValue(), log);
            assertTrue(log.contains("photoqueue: cannot start: cannot write " + mountPoint.resolve("data"))
                    && log.contains("No space left on device"), log);
            assertFalse(log.contains("Exception in thread"), log);
        } finally {
            java.nio.file.Files.deleteIfExists(filler);
        }
    }

    /** Photo id to the delivery counts of its PhotoProcessed events, in log order, read from the stopped app's queue. */
    /** Uploads each of {@link #SAMPLES}: their photo ids, every one accepted (202). */
    private static List<String> uploadSamples(TestClient client) {
        List<String> ids = new ArrayList<>();
        for (String sample : SAMPLES) {
            HttpResponse<String> r = client.uploadPhoto(sample);
            assertEquals(202, r.statusCode(), r.body());
            ids.add(json(r).get("id").asText());
        }
        return ids;
    }

    private Map<String, List<Integer>> processedDeliveryCounts() {
        MessageCodec codec = new MessageCodec();
        Map<String, List<Integer>> counts = new TreeMap<>();
        try (QueueBackend backend = QueueBackends.open(Map.of("backend", "inhouse",
                "data.dir", dataDir.resolve("queue").toString()));
             Consumer consumer = backend.consumer(ConsumerConfig.builder().build())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : backend.admin().describeTopic(Topics.PHOTO_EVENTS).partitions()) {
                partitions.add(new TopicPartition(Topics.PHOTO_EVENTS, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long total = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long read = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read < total) {
                assertTrue(System.nanoTime() < deadline, "read " + read + " of " + total + " records of "
                        + Topics.PHOTO_EVENTS);
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    PhotoEvent event = codec.decodeEvent(r.value());
                    if (event instanceof PhotoProcessed done) {
                        counts.computeIfAbsent(done.photoId(), k -> new ArrayList<>()).add(done.deliveryCount());
                    }
                }
            }
        }
        return counts;
    }

    private Process start(int port, Map<String, String> settings) throws IOException {
        String name = "app-" + apps.size();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path"),
                App.class.getName())
                .redirectErrorStream(true).redirectOutput(dataDir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.remove("ADMIN_TOKEN");
        env.remove("CONFIG_FILE");
        env.put("PORT", String.valueOf(port));
        env.put("HOST", "127.0.0.1");
        env.put("DATA_DIR", dataDir.toString());
        env.putAll(settings);
        Process app = pb.start();
        apps.add(app);
        return app;
    }

    private TestClient awaitUp(int port, Process app) throws InterruptedException {
        TestClient client = new TestClient(port, null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                fail("the app exited with " + app.exitValue() + "; see the logs in " + dataDir);
            }
            try {
                if (client.get("/readyz").statusCode() == 200) {
                    return client;
                }
            } catch (RuntimeException notListeningYet) {
                // the server is not up yet
            }
            Thread.sleep(100);
        }
        return fail("the app was not ready on port " + port + " within " + WAIT + "; see the logs in " + dataDir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
