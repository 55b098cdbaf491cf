package dev.photoqueue.worker;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A worker process's own {@code /metrics} (METRICS_PORT): started as {@link WorkerMain} starts it,
 * on the real in-house queue and real files, it counts what its workers did, with help text on
 * every meter, and serves nothing while the port is unset.
 */
class WorkerProcessMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final MessageCodec codec = new MessageCodec();

    private WorkerEnvironment environment(String metricsPort) {
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_BACKEND", "inhouse", "DATA_DIR", dir.toString(),
                "WORKERS", "1", "PARTITIONS", "1", "HEALTH_FILE", dir.resolve("health").toString(),
                "PQ_BLOB_FSYNC", "false", "PQ_POLL_TIMEOUT_MS", "50", "PQ_WORKER_ID", "metered"));
        if (metricsPort != null) {
            env.put("METRICS_PORT", metricsPort);
        }
        return WorkerEnvironment.from(env, new Properties());
    }

    @Test
    void metricsPortServesTheOutcomesOfThisProcessesWorkersWithHelpOnEveryMeter() throws Exception {
        WorkerEnvironment env = environment("0");
        try (QueueBackend backend = QueueBackends.open(env.backendSettings())) {
            WorkerProcess process = WorkerProcess.start(env, backend);
            try {
                int port = process.metricsPort().orElseThrow();
                assertTrue(port > 0, "0 takes a free port: " + port);
                BlobStore blobs = BlobStore.onFileSystem(dir.resolve("blobs"), false);
                try (Producer producer = backend.producer()) {
                    send(producer, stored(blobs, "good", SampleImages.eighthSizePhoto("GreenMeadow.jpg")));
                    send(producer, stored(blobs, "text", "no photo here".getBytes(StandardCharsets.UTF_8)));
                }
                String outcome = "photoqueue_worker_photos_processed_total";
                PrometheusText scrape = awaitScrape(port, s -> s.sum(outcome, Map.of("outcome", "done")) == 1
                        && s.sum(outcome, Map.of("outcome", "failed")) == 1);
                assertEquals(0, scrape.sum(outcome, Map.of("outcome", "duplicate")), "no job came twice");
                assertEquals(2, scrape.sum("photoqueue_worker_deliveries_total", Map.of()));
                assertEquals(1, scrape.sum("photoqueue_worker_photo_processing_seconds_count", Map.of()),
                        "the failed photo made no variants to time");
                for (String variant : new String[] {"thumb", "small", "medium"}) {
                    assertEquals(1, scrape.sum("photoqueue_worker_variant_processing_seconds_count",
                            Map.of("variant", variant)), variant);
                }
                assertEquals(1, scrape.sum("photoqueue_worker_photo_processing_seconds_bucket", Map.of("le", "+Inf")));
                assertEquals(1, scrape.sum("photoqueue_worker_workers", Map.of()));
                assertTrue(scrape.names().contains("process_cpu_usage"), "the JVM's meters too: " + scrape.names());
                assertTrue(scrape.names().contains("jvm_memory_used_bytes"), scrape.names().toString());
                assertEquals(java.util.Set.of(), scrape.familiesWithoutHelp(), "every meter says what it is");
                assertFalse(scrape.names().contains("photoqueue_photos_processed_total"),
                        "the upload API's names are left to the upload API: a sum over both counts a photo once");

                assertEquals(404, get(port, "/other").statusCode());
                HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(405, post.statusCode());
            } finally {
                process.stop();
            }
            int port = process.metricsPort().orElseThrow();
            assertThrows(ConnectException.class, () -> get(port, "/metrics"), "stopped with the process");
        }
    }

    @Test
    void unsetMetricsPortServesNoMetrics() {
        WorkerEnvironment env = environment(null);
        try (QueueBackend backend = QueueBackends.open(env.backendSettings())) {
            WorkerProcess process = WorkerProcess.start(env, backend);
            try {
                assertTrue(process.metricsPort().isEmpty());
                assertEquals(1, process.pool().workers(), "the workers run all the same");
            } finally {
                process.stop();
            }
        }
    }

    @Test
    void badMetricsPortIsRefusedNamingTheValue() {
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class, () -> environment("nine"));
        assertTrue(word.getMessage().contains("METRICS_PORT") && word.getMessage().contains("'nine'"),
                word.getMessage());
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> environment("70000"));
        assertTrue(high.getMessage().contains("70000"), high.getMessage());
        assertEquals(9100, environment(" 9100 ").metricsPort().orElseThrow());
        assertTrue(environment("").metricsPort().isEmpty(), "blank is unset");
    }

    private PhotoUploaded stored(BlobStore blobs, String photoId, byte[] bytes) {
        return new PhotoUploaded(photoId, blobs.storeOriginal(photoId, bytes), BlobStore.sha256(bytes), Instant.now(),
                "user-1", null);
    }

    private void send(Producer producer, PhotoUploaded job) {
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                codec.encode(job))).join();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Scrapes until {@code done} holds for the scrape; fails after {@link #WAIT}, showing the last one. */
    private PrometheusText awaitScrape(int port, Predicate<PrometheusText> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(port, "/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            last = r.body();
            PrometheusText scrape = PrometheusText.parse(last);
            if (done.test(scrape)) {
                return scrape;
            }
            Thread.sleep(50);
        }
        return fail("the worker's metrics did not reach the expected state within " + WAIT + ":\n"
                + last.lines().filter(l -> l.startsWith("photoqueue")).toList());
    }
}
