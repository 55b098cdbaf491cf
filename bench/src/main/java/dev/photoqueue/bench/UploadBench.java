package dev.photoqueue.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.upload.App;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.upload.http.ReceiveOnlyServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The {@code upload} family: the real upload API (in-house log, a fresh data dir, port 0, as its
 * tests start it), {@value #PHOTO} uploaded one at a time to an idle app, timed by a client in the
 * same JVM. Each round starts a new app; round 0 warms the JIT up and is not kept.
 * <ul>
 * <li>{@code done}: two embedded workers. In turns, {@value #UPLOADS} times a round: an async
 *     upload, timed to its 202 and to the arrival of its photo's {@code DONE} event on
 *     {@code GET /api/events} (a listener on a thread of its own, as the page listens); then the
 *     same photo with {@code mode=sync}, timed to its 201 (the variants made on the request thread).
 *     The hops of each async photo are read from its journey.</li>
 * <li>{@code 202}: no embedded workers (the API's own cost, without image work on the same cores).
 *     In turns, {@value #ACCEPTS} times a round: an upload to the app, timed to its 202, and the same
 *     upload to a {@link ReceiveOnlyServer} (the app's upload settings, nothing stored): the floor.
 *     Beside them, in the same data dir, the disk alone ({@link DiskForces}): a file of the photo's
 *     size stored durably, and a small record appended and forced, the two writes a 202 waits for.</li>
 * <li>{@code steady}: two embedded workers, busy with the photos as they come. After
 *     {@value #STEADY_WARM_UP} warm-up uploads, a steady {@value #STEADY_RATE} uploads a second for
 *     {@value #STEADY_SECONDS} s, open loop (each sent when due from a pool of senders, so a slow
 *     answer does not delay the next), each timed to its 202; then {@value #STEADY_SYNC} sync
 *     uploads one after another, each timed to its 201; then, at the same rate, the same uploads to a
 *     {@link ReceiveOnlyServer}: the floor under the 202.</li>
 * </ul>
 * {@code --records} does not apply.
 */
final class UploadBench implements BenchFamily {

    static final String UPLOAD = "upload";
    static final String DONE = "done";
    static final String ACCEPT = "202";
    static final String PHOTO = "Dune.jpg";
    private static final int UPLOADS = 20;
    private static final int ACCEPTS = 50;
    static final String STEADY = "steady";
    static final int STEADY_RATE = 20;
    static final int STEADY_SECONDS = 30;
    static final int STEADY_WARM_UP = 40;
    static final int STEADY_SYNC = 20;
    /** Enough senders that an upload answered late never holds back the next one due. */
    private static final int STEADY_SENDERS = 8;
    /** Between uploads: the workers' ack and the view's reading of the last photo are over. */
    private static final long IDLE_MILLIS = 50;
    private static final Duration LIMIT = Duration.ofMinutes(2);
    /** The hops of an async upload, in order, as {@link #hops} reads them from the journey and the client. */
    static final List<String> HOPS = List.of("request to original stored", "stored to job appended",
            "job appended to delivered", "delivered to processed", "of which processing", "processed to shown",
            "shown to SSE arrival");

    private final Path samples;

    UploadBench(Path samples) {
        this.samples = samples;
    }

    @Override
    public String name() {
        return UPLOAD;
    }

    @Override
    public String description() {
        return "the upload API: " + PHOTO + " one at a time, upload to DONE (SSE) against mode=sync, and the 202 "
                + "against a receive-only floor, in turns; the 202 at a steady " + STEADY_RATE + " uploads a second";
    }

    @Override
    public List<String> phases() {
        return List.of(DONE, ACCEPT, STEADY);
    }

    @Override
    public List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        byte[] photo = Files.readAllBytes(samples.resolve(PHOTO));
        boolean all = options.only().isEmpty();
        List<Result> results = new ArrayList<>();
        if (all || options.only().contains(DONE)) {
            results.addAll(done(options.rounds(), workDir, photo));
        }
        if (all || options.only().contains(ACCEPT)) {
            results.addAll(accept(options.rounds(), workDir, photo));
        }
        if (all || options.only().contains(STEADY)) {
            results.addAll(steady(options.rounds(), workDir, photo));
        }
        return results;
    }

    private List<Result> done(int rounds, WorkDir workDir, byte[] photo) throws Exception {
        Map<String, List<Double>> figures = figures(DONE, rounds, () -> doneRound(workDir, photo));
        String each = UPLOADS + " uploads a round, p50";
        List<Result> results = new ArrayList<>();
        results.add(Result.info("async 202 p50", Stats.of(figures.get("202")), Unit.MILLISECONDS, each));
        results.add(Result.info("async upload to DONE (SSE) p50", Stats.of(figures.get("done")), Unit.MILLISECONDS,
                each));
        results.add(Result.info("sync 201 p50", Stats.of(figures.get("sync")), Unit.MILLISECONDS, each));
        results.add(Result.atMost("DONE / sync", Stats.of(figures.get("ratio")), Unit.RATIO, 1.2,
                "per round, p50 over p50"));
        for (String hop : HOPS) {
            results.add(Result.info("  hop: " + hop, Stats.of(figures.get(hop)), Unit.MILLISECONDS,
                    "p50, from the journey"));
        }
        return results;
    }

    private Map<String, Double> doneRound(WorkDir workDir, byte[] photo) throws Exception {
        List<Double> accepted = new ArrayList<>();
        List<Double> done = new ArrayList<>();
        List<Double> sync = new ArrayList<>();
        Map<String, List<Double>> hops = new LinkedHashMap<>();
        try (App app = start(workDir.fresh(DONE), 2); EventWatch events = new EventWatch(base(app))) {
            UploadClient client = new UploadClient(base(app), photo, PHOTO);
            for (int i = 0; i < UPLOADS; i++) {
                idle();
                long start = System.nanoTime();
                UploadClient.Answer answer = client.upload("", 202);
                EventWatch.Arrival arrival = events.awaitDone(answer.id(), LIMIT);
                accepted.add(millis(answer.answeredNanos() - start));
                done.add(millis(arrival.nanos() - start));
                hops(client.get("/api/photos/" + answer.id() + "/journey"), arrival)
                        .forEach((k, v) -> hops.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                idle();
                start = System.nanoTime();
                UploadClient.Answer synced = client.upload("?mode=sync", 201);
                sync.add(millis(synced.answeredNanos() - start));
            }
        }
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("202", p50(accepted));
        r.put("done", p50(done));
        r.put("sync", p50(sync));
        r.put("ratio", p50(done) / p50(sync));
        for (String hop : HOPS) {
            r.put(hop, p50(hops.getOrDefault(hop, List.of(Double.NaN))));
        }
        return r;
    }

    /** The hops of one async photo: its journey's times, and the client's arrival of its DONE. */
    static Map<String, Double> hops(JsonNode journey, EventWatch.Arrival arrival) {
        JsonNode uploaded = step(journey, "uploaded");
        JsonNode delivered = step(journey, "delivered");
        JsonNode processed = step(journey, "processed");
        Map<String, Double> h = new HashMap<>();
        Instant received = Instant.parse(uploaded.get("received").asText());
        Instant stored = Instant.parse(uploaded.get("stored").asText());
        Instant appended = Instant.parse(uploaded.get("at").asText());
        Instant deliveredAt = Instant.parse(delivered.get("at").asText());
        Instant processedAt = Instant.parse(processed.get("at").asText());
        Instant shown = Instant.parse(processed.get("shown").asText());
        h.put(HOPS.get(0), between(received, stored));
        h.put(HOPS.get(1), between(stored, appended));
        h.put(HOPS.get(2), between(appended, deliveredAt));
        h.put(HOPS.get(3), between(deliveredAt, processedAt));
        h.put(HOPS.get(4), processed.get("processingMs").asDouble());
        h.put(HOPS.get(5), between(processedAt, shown));
        h.put(HOPS.get(6), between(shown, Instant.ofEpochMilli(arrival.epochMillis())));
        return h;
    }

    private static JsonNode step(JsonNode journey, String what) {
        for (JsonNode step : journey.get("steps")) {
            if (what.equals(step.get("what").asText())) {
                return step;
            }
        }
        throw new IllegalStateException("the journey has no step '" + what + "': " + journey);
    }

    private List<Result> accept(int rounds, WorkDir workDir, byte[] photo) throws Exception {
        Map<String, List<Double>> figures = figures(ACCEPT, rounds, () -> acceptRound(workDir, photo));
        String each = ACCEPTS + " uploads a round, p50, no workers";
        return List.of(Result.info("202 p50", Stats.of(figures.get("202")), Unit.MILLISECONDS, each),
                Result.info("receive only p50", Stats.of(figures.get("floor")), Unit.MILLISECONDS, each),
                Result.atMost("202 / receive only", Stats.of(figures.get("ratio")), Unit.RATIO, 1.5,
                        "per round, p50 over p50"),
                Result.info("  disk: store the photo's bytes", Stats.of(figures.get("store")), Unit.MILLISECONDS,
                        "p50: write, force, rename, force the folder"),
                Result.info("  disk: append a record", Stats.of(figures.get("append")), Unit.MILLISECONDS,
                        "p50: 300 bytes, forced"),
                Result.info("  (receive + disk) / receive only", Stats.of(figures.get("bound")), Unit.RATIO,
                        "per round: the floor of a 202 that forces both in turn"));
    }

    private Map<String, Double> acceptRound(WorkDir workDir, byte[] photo) throws Exception {
        List<Double> app = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        List<Double> store = new ArrayList<>();
        List<Double> append = new ArrayList<>();
        Path dir = workDir.fresh(ACCEPT);
        try (App running = start(dir.resolve("app"), 0);
             ReceiveOnlyServer bare = ReceiveOnlyServer.start(running.config().maxUploadBytes());
             DiskForces disk = new DiskForces(dir.resolve("disk"), photo)) {
            UploadClient toApp = new UploadClient(base(running), photo, PHOTO);
            UploadClient toFloor = new UploadClient(bare.base(), photo, PHOTO);
            for (int i = 0; i < ACCEPTS; i++) {
                idle();
                long start = System.nanoTime();
                app.add(millis(toApp.upload("", 202).answeredNanos() - start));
                idle();
                start = System.nanoTime();
                floor.add(millis(toFloor.upload("", 202).answeredNanos() - start));
                idle();
                store.add(disk.storeFile());
                append.add(disk.appendRecord());
            }
        }
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("202", p50(app));
        r.put("floor", p50(floor));
        r.put("ratio", p50(app) / p50(floor));
        r.put("store", p50(store));
        r.put("append", p50(append));
        r.put("bound", (p50(floor) + p50(store) + p50(append)) / p50(floor));
        return r;
    }

    private List<Result> steady(int rounds, WorkDir workDir, byte[] photo) throws Exception {
        Map<String, List<Double>> figures = figures(STEADY, rounds, () -> steadyRound(workDir, photo));
        String each = STEADY_RATE + " uploads a second for " + STEADY_SECONDS + " s, two workers";
        return List.of(Result.info("steady 202 p50", Stats.of(figures.get("202 p50")), Unit.MILLISECONDS, each),
                Result.atMost("steady 202 p99", Stats.of(figures.get("202 p99")), Unit.MILLISECONDS, 50, each),
                Result.info("steady 202 max", Stats.of(figures.get("202 max")), Unit.MILLISECONDS, each),
                Result.info("sync 201 p50", Stats.of(figures.get("sync p50")), Unit.MILLISECONDS,
                        STEADY_SYNC + " one after another, after the steady uploads"),
                Result.info("steady receive only p50", Stats.of(figures.get("floor p50")), Unit.MILLISECONDS,
                        "the same rate, nothing stored"),
                Result.info("steady receive only p99", Stats.of(figures.get("floor p99")), Unit.MILLISECONDS,
                        "the same rate, nothing stored"),
                Result.atLeast("sync p50 / steady 202 p50", Stats.of(figures.get("ratio")), Unit.RATIO, 20,
                        "per round"));
    }

    private Map<String, Double> steadyRound(WorkDir workDir, byte[] photo) throws Exception {
        List<Double> accepted;
        List<Double> sync = new ArrayList<>();
        long maxUploadBytes;
        try (App app = start(workDir.fresh(STEADY), 2)) {
            maxUploadBytes = app.config().maxUploadBytes();
            UploadClient client = new UploadClient(base(app), photo, PHOTO);
            for (int i = 0; i < STEADY_WARM_UP; i++) {
                client.upload("", 202);
            }
            accepted = atSteadyRate(client);
            for (int i = 0; i < STEADY_SYNC; i++) {
                long start = System.nanoTime();
                sync.add(millis(client.upload("?mode=sync", 201).answeredNanos() - start));
            }
        }
        List<Double> floor;
        try (ReceiveOnlyServer bare = ReceiveOnlyServer.start(maxUploadBytes)) {
            UploadClient client = new UploadClient(bare.base(), photo, PHOTO);
            for (int i = 0; i < STEADY_WARM_UP; i++) {
                client.upload("", 202);
            }
            floor = atSteadyRate(client);
        }
        Map<String, Double> r = new LinkedHashMap<>();
        r.put("202 p50", p50(accepted));
        r.put("202 p99", percentile(accepted, 99));
        r.put("202 max", percentile(accepted, 100));
        r.put("sync p50", p50(sync));
        r.put("floor p50", p50(floor));
        r.put("floor p99", percentile(floor, 99));
        r.put("ratio", p50(sync) / p50(accepted));
        return r;
    }

    /**
     * {@value #STEADY_RATE} uploads a second for {@value #STEADY_SECONDS} s, each sent when due
     * (open loop), each timed from its send to its 202; in milliseconds.
     */
    private static List<Double> atSteadyRate(UploadClient client) throws Exception {
        int total = STEADY_RATE * STEADY_SECONDS;
        ExecutorService senders = Executors.newFixedThreadPool(STEADY_SENDERS);
        try {
            List<Future<Double>> timings = new ArrayList<>(total);
            Pacer pacer = new Pacer(STEADY_RATE);
            for (int i = 0; i < total; i++) {
                pacer.awaitNext();
                timings.add(senders.submit(() -> {
                    long sent = System.nanoTime();
                    return millis(client.upload("", 202).answeredNanos() - sent);
                }));
            }
            List<Double> result = new ArrayList<>(total);
            for (Future<Double> f : timings) {
                result.add(f.get());
            }
            return result;
        } finally {
            senders.shutdownNow();
        }
    }

    /**
     * Runs {@code round} once to warm up (printed, not kept) and {@code rounds} times measured, each
     * printed as it finishes; returns the measured rounds' figures by name, in round order.
     */
    private static Map<String, List<Double>> figures(String phase, int rounds, Callable<Map<String, Double>> round)
            throws Exception {
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        for (int i = 0; i <= rounds; i++) {
            Map<String, Double> r = round.call();
            System.out.printf(Locale.ROOT, "[%s] round %d: %s%s%n", phase, i, r, i == 0 ? " (warm-up)" : "");
            if (i > 0) {
                r.forEach((k, v) -> figures.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
        }
        return figures;
    }

    private static App start(Path dataDir, int workers) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.put("DATA_DIR", dataDir.toString());
        env.put("WORKERS", String.valueOf(workers));
        env.put("MAX_BACKLOG", "100000");
        return App.start(AppConfig.fromSources(env, new Properties()));
    }

    private static String base(App app) {
        return "http://127.0.0.1:" + app.port();
    }

    private static void idle() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(IDLE_MILLIS);
    }

    private static double between(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** Nearest-rank median. */
    private static double p50(List<Double> values) {
        return percentile(values, 50);
    }

    /** Nearest-rank percentile {@code p} (100: the largest). */
    private static double percentile(List<Double> values, int p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }
}
