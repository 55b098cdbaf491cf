package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.testing.AllAtOnce;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads that race each other or the status view, each test on an app of its own with no
 * workers, so every accepted job stays waiting: the backlog limit holds exactly however many
 * uploads arrive at once, and the {@code Location} of a 202 can be followed at once.
 */
class UploadRacesTest {

    private static final String[] SAMPLES = {"GreenMeadow.jpg", "FreshFlower.jpg", "Garden.jpg", "Aqua.jpg"};
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void concurrentUploadsNeverQueueMoreThanMaxBacklogAndEveryRefusalStoresNothing() throws Exception {
        int maxBacklog = 5;
        int uploads = 24;
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "0", "PARTITIONS", "2",
                "MAX_BACKLOG", String.valueOf(maxBacklog)))) {
            TestClient client = running.client;
            List<HttpResponse<String>> answers = AllAtOnce.run(uploads, WAIT,
                    i -> client.uploadPhoto(SAMPLES[i % SAMPLES.length]));
            Map<Integer, Integer> byStatus = new TreeMap<>();
            answers.forEach(r -> byStatus.merge(r.statusCode(), 1, Integer::sum));
            for (HttpResponse<String> r : answers) {
                if (r.statusCode() == 503) {
                    PhotoApiTest.assertError(r, 503, "backlog_full");
                } else {
                    assertEquals(202, r.statusCode(), r.body());
                }
            }
            assertEquals(maxBacklog, byStatus.getOrDefault(202, 0), "uploads accepted of " + uploads
                    + " at once with maxBacklog " + maxBacklog + ", by status: " + byStatus);
            assertEquals(maxBacklog, jobsWaiting(client), "jobs on photo.uploaded");
            try (Stream<Path> originals = Files.list(running.dataDir.resolve("blobs/originals"))) {
                assertEquals(maxBacklog, originals.count(), "originals stored: the refused uploads left none");
            }
        }
    }

    @Test
    void theLocationOfA202ShowsThePhotoQueuedAtOnce() throws Exception {
        int uploads = 40;
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", "0", "PARTITIONS", "2"))) {
            TestClient client = running.client;
            List<String> problems = new ArrayList<>();
            List<HttpResponse<String>> follows = AllAtOnce.run(uploads, WAIT, i -> {
                HttpResponse<String> accepted = client.uploadPhoto(SAMPLES[i % SAMPLES.length]);
                assertEquals(202, accepted.statusCode(), accepted.body());
                String location = accepted.headers().firstValue("Location").orElseThrow();
                return client.get(location);
            });
            for (HttpResponse<String> photo : follows) {
                if (photo.statusCode() != 200 || !json(photo).get("status").asText().equals("QUEUED")) {
                    problems.add(photo.statusCode() + " " + photo.body());
                }
            }
            assertTrue(problems.isEmpty(), problems.size() + " of " + uploads + " Locations followed at once "
                    + "did not show a QUEUED photo: " + problems);
        }
    }

    /** The sum of the stored records of {@code photo.uploaded}'s partitions. */
    static long jobsWaiting(TestClient client) {
        JsonNode topic = QueueAdminApiTest.topic(json(client.get("/api/queue")), "photo.uploaded");
        long jobs = 0;
        for (JsonNode p : topic.get("partitions")) {
            jobs += p.get("end").asLong() - p.get("start").asLong();
        }
        return jobs;
    }
}
