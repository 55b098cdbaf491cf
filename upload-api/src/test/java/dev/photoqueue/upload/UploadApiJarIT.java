package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packaged {@code upload-api.jar} in a process of its own, as the README starts it: accepts
 * uploads, is killed with SIGKILL right after answering 202, and after a restart on the same
 * DATA_DIR every accepted photo is processed and the log continues. Its first start on an empty
 * DATA_DIR says nothing of recovery; the start after the kill does.
 */
class UploadApiJarIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    /** What the in-house log says when it starts after a crash. */
    static final String UNCLEAN = "was not shut down cleanly";

    @TempDir
    Path dataDir;

    @Test
    void everyAcceptedUploadIsProcessedAfterAKill9AndARestart() throws Exception {
        int port = freePort();
        List<String> ids = new ArrayList<>();
        long lastOffset = -1;
        Process first = start(port);
        try {
            TestClient client = awaitUp(port, first);
            for (String sample : new String[] {"GreenMeadow.jpg", "FreshFlower.jpg", "Garden.jpg", "LadyBird.jpg"}) {
                HttpResponse<String> r = client.uploadPhoto(sample);
                assertEquals(202, r.statusCode(), r.body());
                ids.add(json(r).get("id").asText());
                lastOffset = Math.max(lastOffset, json(r).get("offset").asLong());
            }
        } finally {
            first.destroyForcibly().waitFor();
        }
        String firstStart = java.nio.file.Files.readString(lastLog);
        assertFalse(firstStart.contains(UNCLEAN), "a new DATA_DIR is not a crash to recover from:\n" + firstStart);
        Process second = start(port);
        try {
            TestClient client = awaitUp(port, second);
            String restart = java.nio.file.Files.readString(lastLog);
            assertTrue(restart.contains(UNCLEAN), "the start after kill -9 says it recovers:\n" + restart);
            for (String id : ids) {
                JsonNode photo = client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), WAIT);
                assertEquals(200, client.getBytes(photo.get("variants").get("thumb").asText()).statusCode());
            }
            JsonNode next = json(client.uploadPhoto("GreenMeadow.jpg"));
            assertTrue(next.get("offset").asLong() >= 0, next.toString());
            // the status view reads the new job a moment after the 202: wait for it, not for a fixed time
            client.await("/api/photos?limit=50", l -> l.size() == ids.size() + 1, WAIT);
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    @Test
    void aSettingThatCannotWorkStopsTheStartWithAMessageNamingIt() throws Exception {
        assertRefused(Map.of("PORT", "eighty"), "PORT='eighty'");
        assertRefused(Map.of("QUEUE_BACKEND", "rabbitmq"), "QUEUE_BACKEND='rabbitmq'");
        assertRefused(Map.of("MAX_PIXELS", "-5"), "MAX_PIXELS='-5'");
    }

    @Test
    void aPortInUseStopsTheStartWithOneLineNamingIt() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process p = start(taken.getLocalPort());
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the app did not stop");
            String output = java.nio.file.Files.readString(lastLog);
            assertEquals(1, p.exitValue(), output);
            assertTrue(output.contains("photoqueue: cannot start: port " + taken.getLocalPort() + " on 127.0.0.1 is in "
                    + "use by another process (set PORT to a free one)"), output);
            assertFalse(output.contains("\tat "), "no stack trace:\n" + output);
        }
    }

    private void assertRefused(Map<String, String> setting, String expected) throws Exception {
        Process p = start(freePort(), setting);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the app did not stop");
        assertEquals(2, p.exitValue());
        String output = java.nio.file.Files.readString(lastLog);
        assertTrue(output.contains("photoqueue: configuration error: " + expected), output);
    }

    private Process start(int port) throws IOException {
        return start(port, Map.of());
    }

    private Path lastLog;

    private Process start(int port, Map<String, String> extra) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("upload-api.jar", "target/upload-api.jar"));
        Map<String, String> env = pb.environment();
        env.put("PORT", String.valueOf(port));
        env.put("HOST", "127.0.0.1");
        env.put("DATA_DIR", dataDir.toString());
        env.put("WORKERS", "2");
        env.put("PARTITIONS", "3");
        env.remove("ADMIN_TOKEN");
        env.remove("CONFIG_FILE");
        env.putAll(extra);
        lastLog = dataDir.resolve("app-" + port + "-" + System.nanoTime() + ".log");
        pb.redirectErrorStream(true).redirectOutput(lastLog.toFile());
        return pb.start();
    }

    private static TestClient awaitUp(int port, Process process) throws InterruptedException {
        TestClient client = new TestClient(port, null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("upload-api.jar exited with " + process.exitValue());
            }
            try {
                if (client.get("/readyz").statusCode() == 200) {
                    return client;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return fail("upload-api.jar did not become ready on port " + port + " within " + WAIT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
