package dev.photoqueue.bench;

import dev.photoqueue.upload.App;
import dev.photoqueue.upload.config.AppConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * The child JVM of the {@code scale} family, started with {@code -Xmx256m}: starts the upload API
 * (no workers) on a data dir that {@link ScaleBench} filled, waits until its status view has read
 * every partition to its end (the sentinel photo of each partition is DONE), then measures the
 * live heap after a full collection and the latency of {@code GET /api/photos/{id}} over HTTP for
 * old photos (read from the photo index) and new ones (in memory), closes the app (its last
 * checkpoint) and prints one line, {@code scale-probe key=value ...}.
 *
 * <p>usage: {@code ScaleProbe <data dir> <photos> <partitions> <cache size>}
 */
final class ScaleProbe {

    /**
     * The newest photos the "new" lookups pick from: in memory after a rebuild, which keeps the
     * last 1,000 finished photos while it catches up with the log (the cache fills up afterwards).
     */
    static final int NEW_PHOTOS = 500;

    static final String RESULT_PREFIX = "scale-probe ";
    static final int REQUESTS = 2_000;
    private static final int WARM_UP = 500;
    private static final Duration CATCH_UP_LIMIT = Duration.ofMinutes(20);

    private ScaleProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ScaleProbe <data dir> <photos> <partitions> <cache size>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int photos = Integer.parseInt(args[1]);
        int partitions = Integer.parseInt(args[2]);
        int cache = Integer.parseInt(args[3]);
        AppConfig config = AppConfig.fromSources(Map.of("DATA_DIR", dir.toString(), "PORT", "0", "HOST", "127.0.0.1",
                "WORKERS", "0", "PARTITIONS", Integer.toString(partitions), "PHOTO_CACHE_SIZE",
                Integer.toString(cache)), new Properties());
        Stopwatch start = Stopwatch.start();
        try (App app = App.start(config)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + app.port() + "/api/photos/";
            awaitSentinels(http, base, partitions);
            double startSeconds = start.elapsedSeconds();
            // the stats group counts photo.events (all of it without its checkpoint); lookups are measured after it
            awaitStats(http, "http://127.0.0.1:" + app.port() + "/api/stats", photos + partitions);
            double statsSeconds = start.elapsedSeconds();
            long afterGc = HeapFigures.usedAfterGc();
            Random random = new Random(7);
            int oldEnd = Math.max(1, photos - 2 * cache); // finished long ago: on disk only
            double[] old = latencies(http, base, random, 0, oldEnd);
            double[] fresh = latencies(http, base, random, Math.max(0, photos - NEW_PHOTOS), photos);
            long peak = HeapFigures.peakHeapUsed();
            System.out.printf(Locale.ROOT, "%sphotos=%d startSeconds=%.3f statsSeconds=%.3f usedAfterGcBytes=%d"
                            + " peakHeapBytes=%d"
                            + " maxHeapBytes=%d oldP50Ms=%.3f oldP99Ms=%.3f newP50Ms=%.3f newP99Ms=%.3f requests=%d"
                            + " gc=%s peakRssKb=%d%n",
                    RESULT_PREFIX, photos, startSeconds, statsSeconds, afterGc, peak, Runtime.getRuntime().maxMemory(),
                    percentile(old, 0.50), percentile(old, 0.99), percentile(fresh, 0.50), percentile(fresh, 0.99),
                    REQUESTS, HeapFigures.collectors(), HeapFigures.peakRssKb());
        }
    }

    /** Waits until each partition's sentinel, written last, is DONE: the view has read every partition. */
    private static void awaitSentinels(HttpClient http, String base, int partitions) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        for (int p = 0; p < partitions; p++) {
            String url = base + ScaleBench.sentinelId(p);
            while (true) {
                HttpResponse<String> r = get(http, url);
                if (r.statusCode() == 200 && r.body().contains("\"status\":\"DONE\"")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the status view did not read sentinel " + ScaleBench.sentinelId(p)
                            + " within " + CATCH_UP_LIMIT.toMinutes() + " minutes; last answer " + r.statusCode());
                }
                Thread.sleep(20);
            }
        }
    }

    /** Waits until {@code GET /api/stats} has counted {@code photos} photos in all. */
    private static void awaitStats(HttpClient http, String url, long photos) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        String done = "\"total\":{\"counted\":" + photos + ",";
        while (true) {
            HttpResponse<String> r = get(http, url);
            if (r.statusCode() == 200 && r.body().contains(done)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stats group did not count " + photos + " photos within "
                        + CATCH_UP_LIMIT.toMinutes() + " minutes; last answer " + r.body());
            }
            Thread.sleep(100);
        }
    }

    /** Milliseconds of {@link #REQUESTS} GETs of random photos in [from, to), after a warm-up; each must be 200 and DONE. */
    private static double[] latencies(HttpClient http, String base, Random random, int from, int to)
            throws IOException, InterruptedException {
        double[] ms = new double[REQUESTS];
        for (int i = -WARM_UP; i < REQUESTS; i++) {
            String id = ScaleBench.photoId(from + random.nextInt(to - from));
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(http, base + id);
            long nanos = System.nanoTime() - t0;
            if (r.statusCode() != 200 || !r.body().contains("\"status\":\"DONE\"")) {
                throw new IllegalStateException("GET " + base + id + " answered " + r.statusCode() + ": " + r.body());
            }
            if (i >= 0) {
                ms[i] = nanos / 1e6;
            }
        }
        return ms;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
