package dev.photoqueue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.e2e.BuiltProject.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replication you can break: {@code scripts/topology.sh up 1 --brokers 3} (three KRaft nodes from
 * kafka-broker.jar, three copies of every topic, two in sync for a write), the upload API and a
 * worker, as separate processes. Photos are uploaded one after another; in the middle the leader
 * of a partition of {@code photo.uploaded} is killed with kill -9, and the uploads go on. Every
 * photo that got a 202 must reach DONE. Then a second broker is killed: uploads are refused with
 * 503 within the API's send timeout, saying why (the controller quorum, or the in-sync replicas),
 * and are accepted again once that broker is started again. An upload whose outcome was unknown
 * (503 outcome_unknown: Kafka may still write it) and an upload refused during the outage are
 * retried with their Idempotency-Key: each gets the photo id it was first given, and no photo is
 * made twice.
 */
@Timeout(900)
class ReplicatedTopologyIT {

    /** The upload API's default SEND_TIMEOUT_MS. */
    private static final Duration SEND_TIMEOUT = Duration.ofMillis(15_000);
    /** Beyond the send timeout: the request's own way over loopback on a busy machine. */
    private static final Duration ANSWER_SLACK = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofMinutes(4);
    private static Path root;
    private static byte[] photo;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    private Map<String, String> env;
    private String base;

    @BeforeAll
    static void findBuild() throws IOException {
        root = BuiltProject.rootWith("kafka-broker/target/kafka-broker.jar", "upload-api/target/upload-api.jar",
                "worker/target/worker.jar");
        photo = Files.readAllBytes(root.resolve("sample-images/FreshFlower.jpg"));
    }

    /** An answer to one upload: its status, body and how long it took. */
    private record Answer(int status, JsonNode body, Duration took, String location) {
        String error() {
            return body.path("error").asText("");
        }
    }

    @Test
    void acknowledgedPhotosSurviveALeaderKillAndUploadsStopAndResumeWithTheQuorum() throws Exception {
        int port = freePort();
        int kafkaBase = freeBrokerPorts();
        env = Map.of("TOPOLOGY_DIR", dir.toString(), "PORT", String.valueOf(port),
                "KAFKA_PORT", String.valueOf(kafkaBase), "KAFKA_CONTROLLER_PORT", String.valueOf(kafkaBase + 1));
        base = "http://127.0.0.1:" + port;
        topology("up", "1", "--brokers", "3");
        try {
            JsonNode cluster = getJson("/api/cluster");
            assertTrue(cluster.get("replicated").asBoolean(), cluster.toString());
            assertEquals(3, cluster.get("brokers").size(), cluster.toString());
            for (JsonNode p : cluster.get("partitions")) {
                assertEquals(3, p.get("replicas").size(), "three copies: " + p);
                assertEquals(2, p.get("minInSync").asInt(), "two in sync for a write: " + p);
            }

            Set<String> accepted = new LinkedHashSet<>();
            Map<String, String> unknownByKey = new LinkedHashMap<>();
            int n = 0;
            while (accepted.size() < 8) {
                record(upload("before-" + n++), "before-" + (n - 1), accepted, unknownByKey);
            }
            int leader = leaderOf(getJson("/api/cluster"), "photo.uploaded", 0);
            topology("kill-broker", String.valueOf(leader));
            int acceptedAtKill = accepted.size();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (accepted.size() < acceptedAtKill + 12) {
                assertTrue(System.nanoTime() < deadline, "uploads did not resume after broker " + leader
                        + " was killed: " + accepted.size() + " accepted" + logs());
                record(upload("after-" + n++), "after-" + (n - 1), accepted, unknownByKey);
            }
            awaitDone(accepted);

            // a second broker down: two of three, so no write has two in-sync replicas and no quorum remains
            int second = leader == 1 ? 2 : 1;
            topology("kill-broker", String.valueOf(second));
            String outageKey = "outage-" + UUID.randomUUID();
            Answer refused = null;
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (refused == null) {
                assertTrue(System.nanoTime() < deadline, "no upload was refused saying why" + logs());
                Answer a = upload(outageKey);
                assertTrue(a.took().compareTo(SEND_TIMEOUT.plus(ANSWER_SLACK)) <= 0, "an upload with two brokers "
                        + "down took " + a.took() + ", more than the send timeout " + SEND_TIMEOUT + ": " + a);
                if (a.status() == 202) {
                    continue; // the cluster had not noticed yet, and the write still found two replicas
                }
                assertEquals(503, a.status(), a.toString());
                if (a.error().equals("outcome_unknown")) {
                    unknownByKey.put(outageKey, a.location().substring(a.location().lastIndexOf('/') + 1));
                    outageKey = "outage-" + UUID.randomUUID();
                    continue;
                }
                String detail = a.body().path("detail").asText();
                if (detail.contains("quorum") || detail.contains("in-sync replica")) {
                    refused = a;
                }
            }

            topology("start-broker", String.valueOf(second));
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            Answer back;
            while ((back = upload(outageKey)).status() != 202) {
                assertTrue(System.nanoTime() < deadline, "uploads not accepted again after broker " + second
                        + " came back: " + back + logs());
            }
            String outageId = back.body().get("id").asText();
            accepted.add(outageId);

            for (Map.Entry<String, String> u : unknownByKey.entrySet()) {
                Answer retry = upload(u.getKey());
                deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (retry.status() != 202) {
                    assertTrue(System.nanoTime() < deadline, "retry of " + u + ": " + retry);
                    retry = upload(u.getKey());
                }
                assertEquals(u.getValue(), retry.body().get("id").asText(),
                        "a retry with the same Idempotency-Key names the photo its unknown outcome named");
                accepted.add(u.getValue());
            }
            awaitDone(accepted);
            JsonNode recent = getJson("/api/photos?limit=500");
            Map<String, Integer> copies = new LinkedHashMap<>();
            recent.forEach(p -> copies.merge(p.get("id").asText(), 1, Integer::sum));
            for (String id : accepted) {
                assertEquals(1, copies.getOrDefault(id, 0), "photo " + id + " is listed once: " + copies);
            }
            System.out.println("ReplicatedTopologyIT: " + accepted.size() + " photos DONE, leader " + leader
                    + " then broker " + second + " killed; " + unknownByKey.size() + " upload(s) with an unknown "
                    + "outcome retried; refused with: " + refused.body().path("detail").asText());
        } finally {
            topology("down");
        }
    }

    private static void record(Answer a, String key, Set<String> accepted, Map<String, String> unknownByKey) {
        if (a.status() == 202) {
            accepted.add(a.body().get("id").asText());
        } else if (a.status() == 503 && a.error().equals("outcome_unknown")) {
            unknownByKey.put(key, a.location().substring(a.location().lastIndexOf('/') + 1));
        } else if (a.status() != 503) {
            fail("an upload during failover got " + a);
        }
    }

    private void awaitDone(Set<String> ids) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Set<String> done = new LinkedHashSet<>();
        while (done.size() < ids.size()) {
            assertTrue(System.nanoTime() < deadline, "DONE: " + done.size() + " of " + ids.size() + "; not: "
                    + ids.stream().filter(id -> !done.contains(id)).toList() + logs());
            for (String id : ids) {
                if (!done.contains(id)) {
                    HttpResponse<String> r = get("/api/photos/" + id);
                    if (r.statusCode() == 200 && json.readTree(r.body()).path("status").asText().equals("DONE")) {
                        done.add(id);
                    }
                }
            }
            if (done.size() < ids.size()) {
                Thread.sleep(500);
            }
        }
    }

    private static int leaderOf(JsonNode cluster, String topic, int partition) {
        for (JsonNode p : cluster.get("partitions")) {
            if (p.get("topic").asText().equals(topic) && p.get("partition").asInt() == partition) {
                return p.get("leader").asInt();
            }
        }
        throw new AssertionError("no " + topic + "-" + partition + " in " + cluster);
    }

    /** A base port B with B to B+5 free: three brokers and their controllers (topology.sh's layout). */
    private static int freeBrokerPorts() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = 20_000 + 2 * ThreadLocalRandom.current().nextInt(10_000);
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int p = candidate; p < candidate + 6; p++) {
                    held.add(new ServerSocket(p));
                }
                return candidate;
            } catch (IOException taken) {
                // try another range
            } finally {
                for (ServerSocket s : held) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing a probe socket; nothing to do
                    }
                }
            }
        }
        throw new IllegalStateException("no six free ports found between 20000 and 40000");
    }

    /** Runs {@code scripts/topology.sh args}; returns its output, failing on a non-zero exit. */
    private String topology(String... args) throws IOException, InterruptedException {
        return new TopologyScript(root, dir, env).run(args);
    }

    private String logs() throws IOException {
        return new TopologyScript(root, dir, env).logs();
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return json.readTree(r.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Answer upload(String idempotencyKey) throws IOException, InterruptedException {
        String boundary = "pq-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(photo);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/photos"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), json.readTree(r.body()), Duration.ofNanos(System.nanoTime() - started),
                r.headers().firstValue("Location").orElse(""));
    }
}
