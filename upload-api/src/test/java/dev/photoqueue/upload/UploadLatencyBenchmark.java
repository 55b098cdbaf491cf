package dev.photoqueue.upload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The speed check, run on demand ({@code -Dphotoqueue.bench=true}, see the README): a
 * steady 20 uploads a second of a 1 MB photo (Dune.jpg) for {@value #SECONDS} s against a real
 * server with two embedded workers, timing each 202 (open loop: a slow answer does not delay the
 * next upload); then the same photo {@value #SYNC_UPLOADS} times with {@code mode=sync}, in the same
 * run. Prints p50, p99 and max of both and the ratio of the medians; asserts the targets
 * (p99 of the 202 under 50 ms, async at least 20x faster than sync).
 */
@EnabledIfSystemProperty(named = "photoqueue.bench", matches = "true")
class UploadLatencyBenchmark {

    static final int RATE_PER_SECOND = 20;
    static final int SECONDS = 30;
    static final int WARM_UP = 40;
    static final int SYNC_UPLOADS = 20;

    @Test
    void asyncUploadsAnswerFastAtASteadyRateAndBeatSyncByFar() throws Exception {
        try (RunningApp running = RunningApp.start(Map.of("WORKERS", System.getProperty("photoqueue.bench.workers", "2"),
                "MAX_BACKLOG", "100000"))) {
            TestClient client = running.client;
            byte[] photo = TestClient.sample("Dune.jpg");
            for (int i = 0; i < WARM_UP; i++) {
                assertEquals(202, upload(client, photo, "").statusCode());
            }
            List<Double> async = timeAsyncAtSteadyRate(client, photo);
            List<Double> sync = new ArrayList<>();
            for (int i = 0; i < SYNC_UPLOADS; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = upload(client, photo, "?mode=sync");
                sync.add((System.nanoTime() - start) / 1e6);
                assertEquals(201, r.statusCode(), r.body());
            }
            Collections.sort(async);
            Collections.sort(sync);
            double ratio = percentile(sync, 50) / percentile(async, 50);
            System.out.printf("async 202: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", async.size(),
                    percentile(async, 50), percentile(async, 99), async.get(async.size() - 1));
            System.out.printf("sync 201:  n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", sync.size(),
                    percentile(sync, 50), percentile(sync, 99), sync.get(sync.size() - 1));
            System.out.printf("sync p50 / async p50 = %.1fx%n", ratio);
            assertTrue(percentile(async, 99) < 50, "p99 of the 202 was " + percentile(async, 99) + " ms");
            assertTrue(ratio >= 20, "async was only " + ratio + "x faster than sync");
        }
    }

    private static HttpResponse<String> upload(TestClient client, byte[] photo, String query) {
        return client.upload(query, Map.of(), TestClient.Part.file("file", "Dune.jpg", photo));
    }

    private static List<Double> timeAsyncAtSteadyRate(TestClient client, byte[] photo) throws Exception {
        int total = RATE_PER_SECOND * SECONDS;
        long periodNanos = 1_000_000_000L / RATE_PER_SECOND;
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Double>> timings = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            timings.add(CompletableFuture.supplyAsync(() -> {
                long sent = System.nanoTime();
                HttpResponse<String> r = upload(client, photo, "");
                double millis = (System.nanoTime() - sent) / 1e6;
                assertEquals(202, r.statusCode(), r.body());
                return millis;
            }, senders));
        }
        List<Double> result = new ArrayList<>(total);
        for (CompletableFuture<Double> f : timings) {
            result.add(f.get());
        }
        senders.shutdown();
        return result;
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
