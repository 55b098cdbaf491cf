package dev.photoqueue.bench;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupConsumerConfig;
import dev.photoqueue.queue.api.GroupDescription;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.worker.PhotoProcessor;
import dev.photoqueue.worker.WorkerConfig;
import dev.photoqueue.worker.WorkerPool;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@code pipeline} family: thumbnails through the queue against the same work without it. A
 * round takes {@value #COPIES} copies of each photograph of {@code sample-images} (the capitalised
 * JPEGs, full size) and renders the three default variants of each, four ways in turn, each on a
 * fresh directory with the originals stored first:
 * <ul>
 * <li>{@code plain 1} / {@code plain 2}: a loop calling the worker's {@link PhotoProcessor} (the
 *     same Thumbnailator calls, reads and writes), on 1 or 2 threads;</li>
 * <li>{@code queue 1} / {@code queue 2}: the jobs produced to {@code photo.uploaded} on the in-house
 *     log ({@value #PARTITIONS} partitions) and consumed by a {@link WorkerPool} of 1 or 2 workers
 *     in SHARED mode, timed from the first send until the last {@code PhotoProcessed} event is
 *     read. SHARED mode (competing consumers: a free worker takes the next job) is the queue's
 *     counterpart of the plain loop's thread pool; in ORDERED mode each worker keeps to its
 *     partitions, and photos of unequal size leave one worker idle while the other finishes.</li>
 * </ul>
 * Targets: with equal threads the queue reaches 90 % of the plain loop; 2 workers reach 1.7x one.
 * Ratios are computed within each round. {@code --records} does not apply.
 */
final class PipelineBench implements BenchFamily {

    static final String PIPELINE = "pipeline";
    private static final int COPIES = 3;
    private static final int PARTITIONS = 4;
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private final Path samples;

    PipelineBench(Path samples) {
        this.samples = samples;
    }

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public String description() {
        return "thumbnails of the sample photographs (" + samples + ") through the in-house queue with 1 and 2 "
                + "workers, against a plain loop of the same calls on 1 and 2 threads, in turns";
    }

    @Override
    public List<String> phases() {
        return List.of(PIPELINE);
    }

    /** One round's four rates, photos/s. */
    private record Rates(double plain1, double queue1, double plain2, double queue2) {
    }

    @Override
    public List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        List<byte[]> photos = photographs();
        List<Rates> rounds = new ArrayList<>();
        Stats scaling = Rounds.measure(PIPELINE + " 2 vs 1", Unit.RATIO, photos.size() * COPIES,
                (long) photos.size() * COPIES, options.rounds(), (size, measured) -> {
                    Rates r = new Rates(plain(workDir, photos, 1), queued(workDir, photos, 1), plain(workDir, photos, 2),
                            queued(workDir, photos, 2));
                    System.out.printf(Locale.ROOT, "[%s] photos/s: plain 1 %.2f, queue 1 %.2f, plain 2 %.2f, queue 2 %.2f%n",
                            PIPELINE, r.plain1(), r.queue1(), r.plain2(), r.queue2());
                    if (measured) {
                        rounds.add(r);
                    }
                    return r.queue2() / r.queue1();
                });
        String setup = String.format(Locale.ROOT, "%d photographs x %d copies per round, full size, 3 variants each",
                photos.size(), COPIES);
        return List.of(
                Result.info("plain 1 thread", Stats.of(rounds.stream().map(Rates::plain1).toList()), Unit.PHOTOS_PER_SECOND,
                        setup + "; PhotoProcessor in a loop"),
                Result.info("queue 1 worker", Stats.of(rounds.stream().map(Rates::queue1).toList()), Unit.PHOTOS_PER_SECOND,
                        "first send to last PhotoProcessed read; in-house log, " + PARTITIONS + " partitions"),
                Result.atLeast("queue 1 / plain 1", Stats.of(rounds.stream().map(r -> r.queue1() / r.plain1()).toList()),
                        Unit.RATIO, 0.9, "same round"),
                Result.info("plain 2 threads", Stats.of(rounds.stream().map(Rates::plain2).toList()),
                        Unit.PHOTOS_PER_SECOND, "same rounds"),
                Result.info("queue 2 workers", Stats.of(rounds.stream().map(Rates::queue2).toList()),
                        Unit.PHOTOS_PER_SECOND, "same rounds"),
                Result.atLeast("queue 2 / plain 2", Stats.of(rounds.stream().map(r -> r.queue2() / r.plain2()).toList()),
                        Unit.RATIO, 0.9, "same round"),
                Result.atLeast("queue 2 / queue 1", scaling, Unit.RATIO, 1.7, "same round"));
    }

    private List<byte[]> photographs() throws IOException {
        List<byte[]> photos = new ArrayList<>();
        try (var files = Files.list(samples)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".jpg") && Character.isUpperCase(name.charAt(0))) {
                    photos.add(Files.readAllBytes(p));
                }
            }
        }
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("no photographs (capitalised .jpg files) in " + samples.toAbsolutePath()
                    + "; run from the repository root or pass --samples");
        }
        return photos;
    }

    private static WorkerConfig config(Path blobs, int workers) {
        return WorkerConfig.fromSettings(Map.of("blob.dir", blobs.toString(), "worker.count", String.valueOf(workers),
                "worker.id", "bench", "uploaded.partitions", String.valueOf(PARTITIONS), "poll.timeout.ms", "20",
                "consumption.mode", "shared"));
    }

    /** Stores every original; returns the jobs. */
    private static List<PhotoUploaded> store(Path blobDir, List<byte[]> photos) {
        BlobStore blobs = BlobStore.onFileSystem(blobDir, true);
        List<PhotoUploaded> jobs = new ArrayList<>();
        for (int copy = 0; copy < COPIES; copy++) {
            for (int i = 0; i < photos.size(); i++) {
                String id = "p" + copy + "-" + i;
                byte[] bytes = photos.get(i);
                jobs.add(new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes), Instant.now(),
                        "bench", null));
            }
        }
        return jobs;
    }

    private static double plain(WorkDir workDir, List<byte[]> photos, int threads) throws Exception {
        Path dir = workDir.fresh("plain");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<PhotoUploaded> jobs = store(dir.resolve("blobs"), photos);
            PhotoProcessor processor = PhotoProcessor.from(config(dir.resolve("blobs"), threads));
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (PhotoUploaded job : jobs) {
                done.add(pool.submit(() -> processor.process(job)));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return jobs.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
            WorkDir.deleteTree(dir);
        }
    }

    private static double queued(WorkDir workDir, List<byte[]> photos, int workers) throws Exception {
        Path dir = workDir.fresh("queue");
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "inhouse",
                "data.dir", dir.resolve("queue").toString()))) {
            List<PhotoUploaded> jobs = store(dir.resolve("blobs"), photos);
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, PARTITIONS));
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, PARTITIONS));
            WorkerPool pool = WorkerPool.start(backend, config(dir.resolve("blobs"), workers));
            try (GroupConsumer events = backend.groupConsumer(GroupConsumerConfig.builder("bench-events").build());
                 Producer producer = backend.producer()) {
                events.subscribe(List.of(Topics.PHOTO_EVENTS));
                awaitJoined(backend, workers);
                MessageCodec codec = new MessageCodec();
                long start = System.nanoTime();
                for (int i = 0; i < jobs.size(); i++) {
                    PhotoUploaded job = jobs.get(i);
                    producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                            codec.encode(job)).withPartition(i % PARTITIONS));
                }
                int seen = 0;
                long deadline = start + LIMIT.toNanos();
                while (seen < jobs.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + seen + " of " + jobs.size() + " photos done in "
                                + LIMIT.toMinutes() + " min");
                    }
                    for (ConsumerRecord r : events.poll(Duration.ofMillis(20))) {
                        if (!(codec.decodeEvent(r.value()) instanceof PhotoProcessed)) {
                            throw new IllegalStateException("a photo failed: " + r.valueAsString());
                        }
                        seen++;
                        events.ack(r);
                    }
                }
                return jobs.size() / ((System.nanoTime() - start) / 1e9);
            } finally {
                pool.stop();
            }
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    /** Waits until every worker has joined the group, so all take jobs from the first one on. */
    private static void awaitJoined(QueueBackend backend, int workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            GroupDescription g = backend.admin().describeGroup(Topics.THUMBNAILERS);
            if (g.members().size() == workers) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(g.members().size() + " of " + workers + " workers joined: " + g);
            }
            Thread.sleep(10);
        }
    }
}
