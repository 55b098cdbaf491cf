package dev.photoqueue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.photoqueue.e2e.SampleTable.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.photoqueue.e2e.BuiltProject.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The no-Docker topology as a user runs it ({@code scripts/topology.sh}): a real Kafka broker, the
 * upload API and two worker processes. Every sample image is uploaded; one worker is killed with
 * {@code kill -9} while the jobs are being processed and another is started; then every upload
 * must reach the outcome {@code sample-images/README.md} gives it ({@code DONE}, or
 * {@code DEAD_LETTERED} with its reason), and the files refused at upload get their status.
 */
@Timeout(900)
class TopologyIT {

    private static final Duration SETTLE = Duration.ofMinutes(4);
    private static Path root;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    private Map<String, String> env;
    private String base;

    @BeforeAll
    static void findBuild() {
        root = BuiltProject.rootWith("kafka-broker/target/kafka-broker.jar", "upload-api/target/upload-api.jar",
                "worker/target/worker.jar");
    }

    /** Runs {@code scripts/topology.sh args}; returns its output, failing on a non-zero exit. */
    private String topology(String... args) throws IOException, InterruptedException {
        return new TopologyScript(root, dir, env).run(args);
    }

    private String logs() throws IOException {
        return new TopologyScript(root, dir, env).logs();
    }

    @Test
    void everyUploadReachesItsExpectedOutcomeThoughAWorkerIsKilledMidRun() throws Exception {
        int port = freePort();
        env = Map.of("TOPOLOGY_DIR", dir.toString(), "PORT", String.valueOf(port),
                "KAFKA_PORT", String.valueOf(freePort()), "KAFKA_CONTROLLER_PORT", String.valueOf(freePort()));
        base = "http://127.0.0.1:" + port;
        List<Sample> samples = SampleTable.read(root.resolve("sample-images"));
        assertTrue(samples.size() >= 14, "the sample table lists " + samples.size() + " files");

        topology("up", "2");
        try {
            Map<String, Sample> accepted = new LinkedHashMap<>();
            for (Sample s : samples) {
                HttpResponse<String> r = upload(s.file());
                assertEquals(s.uploadStatus(), r.statusCode(), s.file().getFileName() + ": " + r.body());
                JsonNode body = json.readTree(r.body());
                if (s.refusedAtUpload()) {
                    assertNotNull(body.get("error"), "an error body: " + r.body());
                } else {
                    accepted.put(body.get("id").asText(), s);
                }
            }
            topology("kill-worker", "1");
            topology("add-worker");
            // worker-1's supervisor starts it again, as compose's restart policy would
            long restartDeadline = System.nanoTime() + SETTLE.toNanos();
            String listing = topology("status");
            while (!listing.matches("(?s).*worker-1 pid \\d+ running, restarted 1 times.*")) {
                assertTrue(System.nanoTime() < restartDeadline, "worker-1 was not restarted:\n" + listing + logs());
                Thread.sleep(200); // between looks at the processes
                listing = topology("status");
            }
            assertTrue(listing.contains("worker-3 pid"), "add-worker took a new name:\n" + listing);

            long deadline = System.nanoTime() + SETTLE.toNanos();
            Map<String, JsonNode> settled = new LinkedHashMap<>();
            while (settled.size() < accepted.size()) {
                assertTrue(System.nanoTime() < deadline, "settled " + settled.keySet() + " of " + accepted.keySet()
                        + " in " + SETTLE.toMinutes() + " min" + logs());
                for (String id : accepted.keySet()) {
                    if (!settled.containsKey(id)) {
                        JsonNode photo = json.readTree(get("/api/photos/" + id).body());
                        String status = photo.get("status").asText();
                        if (status.equals("DONE") || status.equals("DEAD_LETTERED")) {
                            settled.put(id, photo);
                        }
                    }
                }
                Thread.sleep(500);
            }
            for (Map.Entry<String, JsonNode> e : settled.entrySet()) {
                Sample s = accepted.get(e.getKey());
                JsonNode photo = e.getValue();
                String name = s.file().getFileName().toString();
                assertEquals(s.status(), photo.get("status").asText(), name + ": " + photo);
                if (s.reason() != null) {
                    assertTrue(photo.get("error").asText().toLowerCase().contains(s.reason()), name + ": " + photo);
                }
                if (s.status().equals("DONE")) {
                    assertFalse(photo.get("variants").isEmpty(), name + " has no variants: " + photo);
                    String thumb = photo.get("variants").get("thumb").asText();
                    HttpResponse<String> image = get(thumb);
                    assertEquals(200, image.statusCode(), name + " thumb " + thumb);
                }
            }

            // Replay the workers' group: the worker processes leave it (Kafka moves a group only while
            // it has no members), it moves back to the start, they join again and find every photo done.
            String done = accepted.entrySet().stream().filter(e -> e.getValue().status().equals("DONE"))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            String replayed = topology("replay", "thumbnailers", "1970-01-01T00:00:00Z");
            assertTrue(replayed.contains("\"group\":\"thumbnailers\""), replayed);
            long replayDeadline = System.nanoTime() + SETTLE.toNanos();
            while (true) {
                JsonNode journey = json.readTree(get("/api/photos/" + done + "/journey").body());
                List<JsonNode> processed = new ArrayList<>();
                journey.get("steps").forEach(step -> {
                    if (step.get("what").asText().equals("processed")) {
                        processed.add(step);
                    }
                });
                if (processed.size() >= 2 && processed.get(processed.size() - 1).get("duplicate").asBoolean()) {
                    break;
                }
                assertTrue(System.nanoTime() < replayDeadline, "the replay did not process " + done + " again: "
                        + journey + logs());
                Thread.sleep(200); // between looks at the photo
            }
            String processes = topology("status");
            assertTrue(processes.matches("(?s).*worker-1 pid \\d+ running.*worker-2 pid \\d+ running.*"),
                    "the workers run again after the replay:\n" + processes);
        } finally {
            topology("down");
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> upload(Path file) throws IOException, InterruptedException {
        String boundary = "pq-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\ne2e\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"city\"\r\n\r\nLyon\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        body.write(head.getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/photos"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
