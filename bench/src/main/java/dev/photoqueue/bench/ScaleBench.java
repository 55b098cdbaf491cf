package dev.photoqueue.bench;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code scale} family: a million photos in bounded heap. It writes {@code --records} photos
 * (default 1,000,000; {@code --records} scales it down) into a fresh data dir through the in-house
 * backend, as the upload API and the workers would: for each photo a {@code photo.uploaded} job
 * and, on {@code photo.events}, its {@code PhotoDelivered} and {@code PhotoProcessed} (three
 * variants, no image work), one millisecond apart, then one sentinel photo per partition, written
 * last. Then it starts the upload API on that dir in a child JVM capped at
 * {@code -Xmx}{@value #HEAP_CAP_MIB}{@code m} ({@link ScaleProbe}), twice:
 * <ul>
 * <li>{@code rebuild}: no photo index yet, the status view reads the whole log;</li>
 * <li>{@code restart}: the index and checkpoint the first start left, the view reads only the tail.</li>
 * </ul>
 * Each reports the start-up time until every sentinel is DONE, the live heap after a full
 * collection, and the p99 of {@code GET /api/photos/{id}} over HTTP for old photos (on disk) and
 * new ones (in memory). Finishing under the cap is itself the proof the heap is bounded. Then
 * {@code index}: the status view's photo index alone, its longest checkpoint ({@link IndexCheckpoints}).
 */
final class ScaleBench implements BenchFamily {

    static final String REBUILD = "rebuild";
    static final String RESTART = "restart";
    static final long DEFAULT_PHOTOS = 1_000_000;
    static final int HEAP_CAP_MIB = 256;
    static final double START_TARGET_SECONDS = 30;
    static final double P99_TARGET_MS = 5;
    static final int PARTITIONS = 6;
    static final int CACHE = 10_000;
    private static final MessageCodec CODEC = new MessageCodec();

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String description() {
        return "upload API start-up, heap and photo lookups on a log of --records photos (default 1,000,000)";
    }

    @Override
    public List<String> phases() {
        return List.of(REBUILD, RESTART, IndexCheckpoints.PHASE);
    }

    /** The photo id of the {@code i}th photo: 32 hex digits, like an upload's. */
    static String photoId(long i) {
        return String.format(Locale.ROOT, "%016x%016x", i * 0x9E3779B97F4A7C15L, i);
    }

    /** The sentinel photo written last to partition {@code p} of both topics. */
    static String sentinelId(int p) {
        return "sentinel" + p;
    }

    @Override
    public List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        long photos = options.records() == BenchOptions.DEFAULT_RECORDS ? DEFAULT_PHOTOS : options.records();
        List<Result> results = new ArrayList<>();
        if (options.runs(REBUILD) || options.runs(RESTART)) {
            results.addAll(runApp(options, workDir, photos));
        }
        if (options.runs(IndexCheckpoints.PHASE)) {
            Path index = workDir.fresh("index");
            try {
                results.addAll(IndexCheckpoints.run(index, photos));
            } finally {
                WorkDir.deleteTree(index);
            }
        }
        return results;
    }

    /** The phases on the app: a log of {@code photos} photos, the upload API started on it twice. */
    private static List<Result> runApp(BenchOptions options, WorkDir workDir, long photos) throws Exception {
        Path dir = workDir.fresh("scale");
        List<Result> results = new ArrayList<>();
        try {
            Stopwatch fill = Stopwatch.start();
            long records = fill(dir, photos);
            System.out.printf(Locale.ROOT, "[fill] %,d photos, %,d records in %.1f s%n", photos, records,
                    fill.elapsedSeconds());
            ChildJvm.Outcome first = probe(REBUILD, dir, photos);
            if (options.runs(REBUILD)) {
                results.addAll(results(REBUILD, first, "no index: the view reads all " + records + " records"));
            }
            if (options.runs(RESTART)) {
                results.addAll(results(RESTART, probe(RESTART, dir, photos),
                        "the index and checkpoint of the first start: the view reads only the tail"));
            }
        } finally {
            WorkDir.deleteTree(dir);
        }
        return results;
    }

    private static ChildJvm.Outcome probe(String phase, Path dir, long photos) throws Exception {
        return ChildJvm.runCapped(phase, HEAP_CAP_MIB, ScaleProbe.class,
                List.of(dir.toString(), Long.toString(photos), Integer.toString(PARTITIONS), Integer.toString(CACHE)),
                ScaleProbe.RESULT_PREFIX);
    }

    private static List<Result> results(String phase, ChildJvm.Outcome outcome, String setup) {
        if (!outcome.reported("startSeconds")) {
            return List.of(ChildJvm.unreported(phase + " heap", HEAP_CAP_MIB, outcome));
        }
        String heapNotes = String.format(Locale.ROOT, "after a full GC, child -Xmx%dm (%s); peak %.0f MiB, RSS peak"
                        + " %,d MiB; cache %,d photos", HEAP_CAP_MIB, outcome.collector(),
                outcome.longFigure("peakHeapBytes") / 1048576.0, outcome.longFigure("peakRssKb") / 1024, CACHE);
        return List.of(
                Result.atMost(phase + " start-up", Stats.single(outcome.doubleFigure("startSeconds") * 1000),
                        Unit.MILLISECONDS, START_TARGET_SECONDS * 1000, setup + "; until every partition's sentinel"
                                + " is DONE over HTTP"),
                Result.info(phase + " stats replay", Stats.single(outcome.doubleFigure("statsSeconds") * 1000),
                        Unit.MILLISECONDS, "from the start until the stats group has counted every photo (all of"
                                + " photo.events without its checkpoint, the tail after it); the GETs below come after it"),
                Result.atMost(phase + " heap", Stats.single(outcome.longFigure("usedAfterGcBytes") / 1048576.0),
                        Unit.MIB, HEAP_CAP_MIB, heapNotes),
                Result.atMost(phase + " GET old p99", Stats.single(outcome.doubleFigure("oldP99Ms")),
                        Unit.MILLISECONDS, P99_TARGET_MS, String.format(Locale.ROOT, "p50 %.3f ms; %,d GETs of random"
                                + " photos finished long ago (from the index)", outcome.doubleFigure("oldP50Ms"),
                                ScaleProbe.REQUESTS)),
                Result.atMost(phase + " GET new p99", Stats.single(outcome.doubleFigure("newP99Ms")),
                        Unit.MILLISECONDS, P99_TARGET_MS, String.format(Locale.ROOT, "p50 %.3f ms; %,d GETs of random"
                                + " photos among the last %,d (in memory)", outcome.doubleFigure("newP50Ms"),
                                ScaleProbe.REQUESTS, ScaleProbe.NEW_PHOTOS)));
    }

    /**
     * Writes the photos' records as the upload API and the workers would, with the topics the app
     * creates, then one sentinel photo per partition; returns how many records.
     */
    static long fill(Path dataDir, long photos) throws Exception {
        AppConfig config = AppConfig.fromSources(Map.of("DATA_DIR", dataDir.toString(), "PARTITIONS",
                Integer.toString(PARTITIONS)), new Properties());
        long records = 0;
        try (QueueBackend backend = QueueBackends.open(config.backendSettings())) {
            Admin admin = backend.admin();
            // as App.createTopics: the jobs' topic is forced on every write
            admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_UPLOADED, PARTITIONS)
                    .withConfigs(Map.of(TopicConfigs.FSYNC, "always")));
            admin.createTopicIfAbsent(new NewTopic(Topics.PHOTO_EVENTS, PARTITIONS));
            admin.createTopicIfAbsent(new NewTopic(DeadLetters.topicFor(Topics.PHOTO_UPLOADED), 1));
            long base = System.currentTimeMillis() - (photos + 10) * 3;
            try (Producer producer = backend.producer()) {
                for (long i = 0; i < photos; i++) {
                    records += photo(producer, photoId(i), null, base + 3 * i, i);
                }
                for (int p = 0; p < PARTITIONS; p++) {
                    records += photo(producer, sentinelId(p), p, base + 3 * photos + p, photos + p);
                }
                producer.flush();
            }
            long written = 0;
            for (String topic : List.of(Topics.PHOTO_UPLOADED, Topics.PHOTO_EVENTS)) {
                written += admin.describeTopic(topic).partitions().stream().mapToLong(PartitionInfo::endOffset).sum();
            }
            if (written != records) {
                throw new IllegalStateException("the topics hold " + written + " records, " + records + " were sent");
            }
        }
        return records;
    }

    /** The job, delivery and outcome of one photo, at {@code at} and 1 and 2 ms later; returns 3. */
    private static int photo(Producer producer, String id, Integer partition, long at, long i) {
        String user = "user" + (i % 1_000);
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        PhotoUploaded job = new PhotoUploaded(id, "originals/" + id, String.format(Locale.ROOT, "%064x", i),
                Instant.ofEpochMilli(at), user, "Lisbon", "photo-" + i + ".jpg");
        List<PhotoProcessed.ProcessedVariant> variants = new ArrayList<>();
        int[][] sizes = {{150, 100}, {800, 533}, {1600, 1067}};
        String[] names = {"thumb", "medium", "large"};
        for (int v = 0; v < names.length; v++) {
            variants.add(new PhotoProcessed.ProcessedVariant(names[v], "photos/" + id + "/" + names[v] + ".jpg",
                    sizes[v][0], sizes[v][1], 5_000L * (v + 1) + i % 1000));
        }
        producer.send(new ProducerRecord(Topics.PHOTO_UPLOADED, partition, key, CODEC.encode(job), at, List.of()));
        producer.send(new ProducerRecord(Topics.PHOTO_EVENTS, partition, key,
                CODEC.encode(new PhotoDelivered(id, 1, "member-" + i % 2, "worker-" + i % 2, "at-least-once")),
                at + 1, List.of()));
        producer.send(new ProducerRecord(Topics.PHOTO_EVENTS, partition, key,
                CODEC.encode(new PhotoProcessed(id, variants, new PhotoProcessed.Timings(900, 4_000, 9_000, 1_200,
                        15_100), "worker-" + i % 2, 1, false, user)), at + 2, List.of()));
        return 3;
    }
}
