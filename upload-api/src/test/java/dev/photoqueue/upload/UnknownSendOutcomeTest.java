package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A send whose outcome is unknown, as Kafka reports a send it gave up retrying (it may still be
 * written): the upload gets 503 {@code outcome_unknown} naming its photo, the original is kept, and
 * a retry with the same Idempotency-Key gets that photo, never a second. Both ways it can turn
 * out are run on a real app (in-house log, one embedded worker): the job was written after all (the
 * worker then needs the kept original to make the photo DONE), or it was not (the retry sends it).
 * The producer of the app's jobs is the real one, wrapped to report the first job's send as unknown.
 */
class UnknownSendOutcomeTest {

    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    /** What the wrapped producer does with the next job sent to {@code photo.uploaded}. */
    enum NextJob { SEND, WRITE_BUT_REPORT_UNKNOWN, DROP_AND_REPORT_UNKNOWN }

    @Test
    void aJobWrittenAfterAllIsProcessedFromTheKeptOriginalAndTheRetryNamesTheSamePhoto() throws Exception {
        runScenario(NextJob.WRITE_BUT_REPORT_UNKNOWN);
    }

    @Test
    void aJobNeverWrittenIsSentByTheRetryUnderTheSamePhotoId() throws Exception {
        runScenario(NextJob.DROP_AND_REPORT_UNKNOWN);
    }

    private void runScenario(NextJob fault) throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "1", "PARTITIONS", "2"));
        AtomicReference<NextJob> next = new AtomicReference<>(NextJob.SEND);
        QueueBackend backend = new UnknownOutcomeBackend(QueueBackends.open(config.backendSettings()), next);
        try (App app = App.start(config, backend, FileIO.local())) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            Map<String, String> key = Map.of("Idempotency-Key", "upload-" + fault);
            byte[] jpeg = TestClient.sample("GreenMeadow.jpg");

            next.set(fault);
            HttpResponse<String> unknown = client.upload("", key, TestClient.Part.file("file", "g.jpg", jpeg));
            assertEquals(503, unknown.statusCode(), unknown.body());
            JsonNode body = TestClient.json(unknown);
            assertEquals("outcome_unknown", body.get("error").asText(), unknown.body());
            assertTrue(body.get("detail").asText().contains("same Idempotency-Key"), unknown.body());
            String location = unknown.headers().firstValue("Location").orElseThrow();
            String id = location.substring(location.lastIndexOf('/') + 1);
            assertTrue(hasOriginal(id), "the original of " + id + " is kept");

            HttpResponse<String> retry = client.upload("", key, TestClient.Part.file("file", "g.jpg", jpeg));
            assertEquals(202, retry.statusCode(), retry.body());
            assertEquals(id, TestClient.json(retry).get("id").asText(), "the retry names the first photo");

            awaitDone(client, id);
            JsonNode recent = TestClient.json(client.get("/api/photos?limit=500"));
            long copies = 0;
            for (JsonNode p : recent) {
                copies += p.get("id").asText().equals(id) ? 1 : 0;
            }
            assertEquals(1, copies, "one photo, not two: " + recent);
        }
    }

    private boolean hasOriginal(String id) throws Exception {
        try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
            return files.anyMatch(f -> f.getFileName().toString().equals(id) && Files.isRegularFile(f));
        }
    }

    private static void awaitDone(TestClient client, String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = client.get("/api/photos/" + id);
            last = r.body();
            if (r.statusCode() == 200 && TestClient.json(r).get("status").asText().equals("DONE")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("photo " + id + " not DONE within " + WAIT + ": " + last);
    }

    /** The real backend, whose producers report the next job's send as unknown (writing it or not). */
    private record UnknownOutcomeBackend(QueueBackend real, AtomicReference<NextJob> next) implements QueueBackend {

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public Producer producer() {
            Producer producer = real.producer();
            return new Producer() {
                @Override
                public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
                    return producer.send(record);
                }

                @Override
                public CompletableFuture<RecordMetadata> trySend(ProducerRecord record) {
                    NextJob now = record.topic().equals(Topics.PHOTO_UPLOADED) ? next.getAndSet(NextJob.SEND)
                            : NextJob.SEND;
                    if (now == NextJob.DROP_AND_REPORT_UNKNOWN) {
                        return CompletableFuture.failedFuture(unknown(record));
                    }
                    CompletableFuture<RecordMetadata> sent = producer.trySend(record);
                    return now == NextJob.SEND ? sent
                            : sent.thenCompose(written -> CompletableFuture.failedFuture(unknown(record)));
                }

                @Override
                public void flush() {
                    producer.flush();
                }

                @Override
                public void close() {
                    producer.close();
                }
            };
        }

        private static BackendUnavailableException unknown(ProducerRecord record) {
            return new BackendUnavailableException("test-cluster", 12_000, "send to " + record.topic(),
                    new java.util.concurrent.TimeoutException("Expiring 1 record(s): 12000 ms has passed"), true);
        }

        @Override
        public TransactionalProducer transactionalProducer(String transactionalId) {
            return real.transactionalProducer(transactionalId);
        }

        @Override
        public Consumer consumer(ConsumerConfig config) {
            return real.consumer(config);
        }

        @Override
        public GroupConsumer groupConsumer(GroupConsumerConfig config) {
            return real.groupConsumer(config);
        }

        @Override
        public Admin admin() {
            return real.admin();
        }

        @Override
        public BackendHealth health() {
            return real.health();
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
