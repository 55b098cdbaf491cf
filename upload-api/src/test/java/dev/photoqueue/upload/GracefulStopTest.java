package dev.photoqueue.upload;

import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stop of the upload API (SIGTERM, {@code docker stop}) takes no new connections but lets the
 * requests in flight finish: an upload held in the middle of storing its original while the stop
 * begins still gets its 202, and its job is on disk. Before, the stop reset the connection of every
 * upload in flight, and a client could not tell whether its photo was kept.
 */
class GracefulStopTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void anUploadInFlightWhenTheStopBeginsIsAnsweredAndItsJobKept() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "0"));
        Path originals = config.blobDir().toAbsolutePath().normalize().resolve("originals");
        FaultyFileIO files = new FaultyFileIO();
        FaultyFileIO.Gate storing = files.gate(Op.OPEN, p -> p.startsWith(originals));
        App app = App.start(config, QueueBackends.open(config.backendSettings()), files);
        CompletableFuture<Void> stopped = null;
        try {
            int port = app.port();
            TestClient client = new TestClient(port, config.adminToken());
            CompletableFuture<HttpResponse<String>> upload =
                    CompletableFuture.supplyAsync(() -> client.uploadPhoto("GreenMeadow.jpg"));
            assertTrue(storing.awaitArrivals(1, WAIT), "the upload came to store its original");

            stopped = CompletableFuture.runAsync(app::close);
            awaitRefusingConnections(port);
            storing.open();

            HttpResponse<String> answer = upload.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(202, answer.statusCode(), answer.body());
            stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            storing.open();
            if (stopped == null) {
                app.close();
            }
        }
        try (QueueBackend backend = QueueBackends.open(config.backendSettings())) {
            long jobs = backend.admin().describeTopic(Topics.PHOTO_UPLOADED).partitions().stream()
                    .mapToLong(PartitionInfo::endOffset).sum();
            assertEquals(1, jobs, "the answered upload's job is in the log");
        }
    }

    /** Waits until the stopping server no longer takes a connection on {@code port}. */
    private static void awaitRefusingConnections(int port) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            } catch (IOException refused) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the server still took connections " + WAIT + " into its stop");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
