package dev.photoqueue.e2e;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static dev.photoqueue.e2e.BuiltProject.java;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code worker.jar} processes on a real Kafka broker ({@code kafka-broker.jar}), killed with
 * {@code kill -9} at random moments while they work and replaced: every job still ends with its
 * variants on disk and a {@code PhotoProcessed} event, and the group has consumed everything.
 */
@Timeout(900)
class WorkerCrashIT {

    private static final int PHOTOS = 24;
    private static final int KILLS = 3;
    private static Path root;

    @TempDir
    Path dir;

    @RegisterExtension
    final StartedProcesses processes = new StartedProcesses();
    private String bootstrap;

    @BeforeAll
    static void findBuild() {
        root = BuiltProject.rootWith("kafka-broker/target/kafka-broker.jar", "worker/target/worker.jar");
    }

    private Process startWorker(int n) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(java(), "-jar", root.resolve("worker/target/worker.jar").toString())
                .redirectOutput(dir.resolve("worker-" + n + ".log").toFile()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("QUEUE_BACKEND", "kafka", "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "DATA_DIR", dir.resolve("data").toString(), "WORKERS", "1", "PARTITIONS", "4",
                "PQ_BLOB_FSYNC", "false"));
        return processes.start(pb);
    }

    @Test
    void everyJobCompletesThoughWorkerProcessesAreKilledMidRun() throws Exception {
        bootstrap = processes.startKafkaBroker(root, dir);
        Map<String, String> kafka = Map.of(QueueBackends.BACKEND, "kafka", "kafka.bootstrap.servers", bootstrap);
        Set<String> ids = new TreeSet<>();
        try (QueueBackend backend = QueueBackends.open(kafka)) {
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, 4));
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, 4));
            BlobStore blobs = BlobStore.onFileSystem(dir.resolve("data").resolve("blobs"), false);
            List<Path> photos;
            try (var files = Files.list(root.resolve("sample-images"))) {
                photos = files.filter(p -> p.getFileName().toString().matches("[A-Z].*\\.jpg")).sorted().toList();
            }
            MessageCodec codec = new MessageCodec();
            try (Producer producer = backend.producer()) {
                for (int i = 0; i < PHOTOS; i++) {
                    String id = "photo-" + i;
                    byte[] bytes = Files.readAllBytes(photos.get(i % photos.size()));
                    PhotoUploaded job = new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes),
                            Instant.now(), "u" + (i % 3), null, photos.get(i % photos.size()).getFileName().toString());
                    producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, id.getBytes(StandardCharsets.UTF_8),
                            codec.encode(job))).get(30, TimeUnit.SECONDS);
                    ids.add(id);
                }
            }

            List<Process> workers = new ArrayList<>(List.of(startWorker(0), startWorker(1)));
            Map<String, Integer> processed = new TreeMap<>();
            try (GroupConsumer events = backend.groupConsumer(GroupConsumerConfig.builder("crash-test").build())) {
                events.subscribe(List.of(Topics.PHOTO_EVENTS));
                int kills = 0;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
                while (!processed.keySet().containsAll(ids)) {
                    assertTrue(System.nanoTime() < deadline, "processed " + processed.keySet() + " of " + ids
                            + " after " + kills + " kills; see " + dir);
                    for (ConsumerRecord r : events.poll(Duration.ofMillis(200))) {
                        PhotoEvent e = codec.decodeEvent(r.value());
                        assertFalse(e instanceof PhotoFailed, "a photo failed: " + r.valueAsString());
                        if (e instanceof PhotoProcessed done) { // deliveries and releases are told too
                            processed.merge(done.photoId(), 1, Integer::sum);
                        }
                        events.ack(r);
                        // Kill a worker now and then while jobs are in flight, and start another.
                        if (kills < KILLS && processed.size() >= (kills + 1) * PHOTOS / (KILLS + 2)) {
                            Process victim = workers.remove(ThreadLocalRandom.current().nextInt(workers.size()));
                            victim.destroyForcibly();
                            assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
                            kills++;
                            workers.add(startWorker(1 + kills));
                        }
                    }
                }
                assertEquals(KILLS, kills, "killed workers mid-run");
            }
            for (String id : ids) {
                for (String variant : List.of("thumb", "small", "medium")) {
                    Path file = dir.resolve("data/blobs/photos").resolve(id).resolve(variant + ".jpg");
                    assertTrue(Files.size(file) > 0, file + " is missing or empty");
                }
            }
        }
    }
}
