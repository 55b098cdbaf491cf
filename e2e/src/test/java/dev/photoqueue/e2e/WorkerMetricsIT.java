package dev.photoqueue.e2e;

import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.photoqueue.e2e.BuiltProject.java;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code worker.jar} process with {@code METRICS_PORT=0} on a real Kafka broker
 * ({@code kafka-broker.jar}): it names the port it took on its start line, and a scrape of that
 * port counts the jobs its worker did, by outcome.
 */
@Timeout(300)
class WorkerMetricsIT {

    private static final Pattern METRICS_PORT = Pattern.compile("metrics on port (\\d+)");
    private static Path root;

    @TempDir
    Path dir;
    @RegisterExtension
    final StartedProcesses processes = new StartedProcesses();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void findBuild() {
        root = BuiltProject.rootWith("kafka-broker/target/kafka-broker.jar", "worker/target/worker.jar");
    }

    @Test
    void workerProcessServesItsOwnOutcomesOnTheMetricsPortItNames() throws Exception {
        String bootstrap = processes.startKafkaBroker(root, dir);
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", bootstrap))) {
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, 2));
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 2));
            BlobStore blobs = BlobStore.onFileSystem(dir.resolve("data").resolve("blobs"), false);
            MessageCodec codec = new MessageCodec();
            try (Producer producer = backend.producer()) {
                byte[] photo = Files.readAllBytes(root.resolve("sample-images/GreenMeadow.jpg"));
                byte[] text = Files.readAllBytes(root.resolve("sample-images/not-an-image.jpg"));
                for (PhotoUploaded job : List.of(
                        new PhotoUploaded("good", blobs.storeOriginal("good", photo), BlobStore.sha256(photo),
                                Instant.now(), null, null),
                        new PhotoUploaded("text", blobs.storeOriginal("text", text), BlobStore.sha256(text),
                                Instant.now(), null, null))) {
                    producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                            codec.encode(job))).get(30, TimeUnit.SECONDS);
                }
            }
        }

        int port = startWorker(bootstrap);
        String done = "photoqueue_worker_photos_processed_total{outcome=\"done\"} 1.0";
        String failed = "photoqueue_worker_photos_processed_total{outcome=\"failed\"} 1.0";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String scrape = "";
        while (!(scrape.contains(done) && scrape.contains(failed))) {
            assertTrue(System.nanoTime() < deadline, "no outcomes on the worker's metrics port; last scrape:\n"
                    + scrape.lines().filter(l -> l.startsWith("photoqueue_")).toList());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            scrape = r.body();
            Thread.sleep(100);
        }
        assertTrue(scrape.contains("photoqueue_worker_photos_processed_total{outcome=\"duplicate\"} 0.0"), scrape);
        assertTrue(scrape.contains("photoqueue_worker_deliveries_total 2.0"), "one delivery each");
        assertTrue(scrape.contains("photoqueue_worker_workers 1.0"), "its one worker");
        assertTrue(scrape.contains("# HELP jvm_gc_pause_seconds ") || scrape.contains("# HELP process_cpu_usage "),
                "and its JVM");
    }

    /** Starts a worker process with METRICS_PORT=0; returns the port its start line names. */
    private int startWorker(String bootstrap) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(java(), "-jar", root.resolve("worker/target/worker.jar").toString())
                .redirectError(dir.resolve("worker.err").toFile());
        pb.environment().putAll(Map.of("QUEUE_BACKEND", "kafka", "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "DATA_DIR", dir.resolve("data").toString(), "WORKERS", "1", "PARTITIONS", "2",
                "PQ_BLOB_FSYNC", "false", "METRICS_PORT", "0", "HEALTH_FILE", dir.resolve("health").toString()));
        Process worker = processes.start(pb);
        BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = METRICS_PORT.matcher(line);
            if (line.startsWith("worker process started") && m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the worker ended before it named its metrics port: "
                + Files.readString(dir.resolve("worker.err")));
    }
}
