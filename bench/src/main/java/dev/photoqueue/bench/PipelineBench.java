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
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
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
import java.util.function.Function;

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
 *
 * <p>Each run starts from the same state: a full GC and a short pause first, and no files deleted
 * between runs (the work directory goes at the end). Deleting the previous run's files right
 * before a timed run makes that run's forced writes share the disk with the file system's unlink
 * and discard work; with the deletes in between, the first run of a round came out slower than
 * the others whichever kind it was.</p>
 */
final class PipelineBench implements BenchFamily {

    static final String PIPELINE = "pipeline";
    private static final int COPIES = 12;
    private static final int PARTITIONS = 4;
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private static final long SETTLE_MILLIS = 500;

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
    private record Rates(Run plain1, Run queue1, Run plain2, Run queue2) {
    }

    /**
     * One timed run: its rate, and the share of its threads' wall time spent inside
     * {@link PhotoProcessor#process} (by the processor's own timings). A queue run that is slower
     * than the plain loop with the same busy share lost its time to slower processing (the cores
     * are shared with the queue's threads); one with a lower busy share lost it waiting for jobs.
     * The stages say where a photo's time went inside the processor.
     */
    record Run(double photosPerSecond, double busy, Stages stages) {
        static Run of(int photos, long elapsedNanos, Stages stages, int threads) {
            return new Run(photos / (elapsedNanos / 1e9), stages.totalMicros() * 1e3 / ((double) elapsedNanos * threads),
                    stages);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f (busy %.0f%%; %s)", photosPerSecond, busy * 100, stages);
        }
    }

    /** The processor's own timings of a run's photos, summed. */
    record Stages(int photos, long readMicros, long decodeMicros, long renderMicros, long writeMicros,
                  long totalMicros) {
        static final Stages NONE = new Stages(0, 0, 0, 0, 0, 0);

        Stages plus(PhotoProcessed.Timings t) {
            return new Stages(photos + 1, readMicros + t.readMicros(), decodeMicros + t.decodeMicros(),
                    renderMicros + t.renderMicros(), writeMicros + t.writeMicros(), totalMicros + t.totalMicros());
        }

        /** Mean milliseconds a photo: read the original, decode it, scale and encode the variants, write them. */
        @Override
        public String toString() {
            double n = Math.max(1, photos) * 1000.0;
            return String.format(Locale.ROOT, "ms a photo: read %.1f, decode %.1f, render %.1f, write %.1f",
                    readMicros / n, decodeMicros / n, renderMicros / n, writeMicros / n);
        }
    }

    @Override
    public List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        List<byte[]> photos = photographs(samples);
        List<Rates> rounds = new ArrayList<>();
        Stats scaling = Rounds.measure(PIPELINE + " 2 vs 1", Unit.RATIO, photos.size() * COPIES,
                (long) photos.size() * COPIES, options.rounds(), (size, measured) -> {
                    Rates r = new Rates(plain(workDir, photos, COPIES, 1), queued(workDir, photos, COPIES, 1),
                            plain(workDir, photos, COPIES, 2), queued(workDir, photos, COPIES, 2));
                    System.out.printf(Locale.ROOT, "[%s] photos/s: plain 1 %s, queue 1 %s, plain 2 %s, queue 2 %s%n",
                            PIPELINE, r.plain1(), r.queue1(), r.plain2(), r.queue2());
                    if (measured) {
                        rounds.add(r);
                    }
                    return r.queue2().photosPerSecond() / r.queue1().photosPerSecond();
                });
        String setup = String.format(Locale.ROOT, "%d photographs x %d copies per round, full size, 3 variants each",
                photos.size(), COPIES);
        return List.of(
                Result.info("plain 1 thread", rate(rounds, Rates::plain1), Unit.PHOTOS_PER_SECOND,
                        setup + "; PhotoProcessor in a loop"),
                Result.info("queue 1 worker", rate(rounds, Rates::queue1), Unit.PHOTOS_PER_SECOND,
                        "first send to last PhotoProcessed read; in-house log, " + PARTITIONS + " partitions"),
                Result.atLeast("queue 1 / plain 1", ratio(rounds, Rates::queue1, Rates::plain1),
                        Unit.RATIO, 0.9, "same round"),
                Result.info("plain 2 threads", rate(rounds, Rates::plain2),
                        Unit.PHOTOS_PER_SECOND, "same rounds"),
                Result.info("queue 2 workers", rate(rounds, Rates::queue2),
                        Unit.PHOTOS_PER_SECOND, "same rounds"),
                Result.atLeast("queue 2 / plain 2", ratio(rounds, Rates::queue2, Rates::plain2),
                        Unit.RATIO, 0.9, "same round"),
                Result.info("plain 2 / plain 1", ratio(rounds, Rates::plain2, Rates::plain1), Unit.RATIO,
                        "same round: how this work scales on this machine without a queue"),
                Result.atLeast("queue 2 / queue 1", scaling, Unit.RATIO, 1.7, "same round"));
    }

    private static Stats rate(List<Rates> rounds, Function<Rates, Run> run) {
        return Stats.of(rounds.stream().map(r -> run.apply(r).photosPerSecond()).toList());
    }

    private static Stats ratio(List<Rates> rounds, Function<Rates, Run> over, Function<Rates, Run> under) {
        return Stats.of(rounds.stream()
                .map(r -> over.apply(r).photosPerSecond() / under.apply(r).photosPerSecond()).toList());
    }

    /** The capitalised JPEGs of {@code samples}, the sample photographs, full size. */
    static List<byte[]> photographs(Path samples) throws IOException {
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

    /** Stores {@code copies} copies of every original; returns the jobs. */
    private static List<PhotoUploaded> store(Path blobDir, List<byte[]> photos, int copies) {
        BlobStore blobs = BlobStore.onFileSystem(blobDir, true);
        List<PhotoUploaded> jobs = new ArrayList<>();
        for (int copy = 0; copy < copies; copy++) {
            for (int i = 0; i < photos.size(); i++) {
                String id = "p" + copy + "-" + i;
                byte[] bytes = photos.get(i);
                jobs.add(new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes), Instant.now(),
                        "bench", null));
            }
        }
        return jobs;
    }

    /** A full collection and a moment for the threads of the last run to finish, before a timed run. */
    static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(SETTLE_MILLIS);
    }

    /** {@code copies} copies of {@code photos} rendered by {@link PhotoProcessor} on {@code threads} threads. */
    static Run plain(WorkDir workDir, List<byte[]> photos, int copies, int threads) throws Exception {
        Path dir = workDir.fresh("plain");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<PhotoUploaded> jobs = store(dir.resolve("blobs"), photos, copies);
            settle();
            PhotoProcessor processor = PhotoProcessor.from(config(dir.resolve("blobs"), threads));
            long start = System.nanoTime();
            List<Future<PhotoProcessor.Result>> done = new ArrayList<>();
            for (PhotoUploaded job : jobs) {
                done.add(pool.submit(() -> processor.process(job)));
            }
            Stages stages = Stages.NONE;
            for (Future<PhotoProcessor.Result> f : done) {
                stages = stages.plus(f.get().timings());
            }
            return Run.of(jobs.size(), System.nanoTime() - start, stages, threads);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The same work through the in-house log and a {@link WorkerPool} of {@code workers} in SHARED mode. */
    static Run queued(WorkDir workDir, List<byte[]> photos, int copies, int workers) throws Exception {
        Path dir = workDir.fresh("queue");
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "inhouse",
                "data.dir", dir.resolve("queue").toString()))) {
            List<PhotoUploaded> jobs = store(dir.resolve("blobs"), photos, copies);
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, PARTITIONS));
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, PARTITIONS));
            WorkerPool pool = WorkerPool.start(backend, config(dir.resolve("blobs"), workers));
            try (GroupConsumer events = backend.groupConsumer(GroupConsumerConfig.builder("bench-events").build());
                 Producer producer = backend.producer()) {
                events.subscribe(List.of(Topics.PHOTO_EVENTS));
                awaitJoined(backend, workers);
                settle();
                MessageCodec codec = new MessageCodec();
                long start = System.nanoTime();
                for (int i = 0; i < jobs.size(); i++) {
                    PhotoUploaded job = jobs.get(i);
                    producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                            codec.encode(job)).withPartition(i % PARTITIONS));
                }
                int seen = 0;
                Stages stages = Stages.NONE;
                long deadline = start + LIMIT.toNanos();
                while (seen < jobs.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + seen + " of " + jobs.size() + " photos done in "
                                + LIMIT.toMinutes() + " min");
                    }
                    for (ConsumerRecord r : events.poll(Duration.ofMillis(20))) {
                        PhotoEvent event = codec.decodeEvent(r.value());
                        events.ack(r);
                        if (event instanceof PhotoFailed) {
                            throw new IllegalStateException("a photo failed: " + r.valueAsString());
                        }
                        if (event instanceof PhotoProcessed processed) { // deliveries are told too
                            stages = stages.plus(processed.timings());
                            seen++;
                        }
                    }
                }
                return Run.of(jobs.size(), System.nanoTime() - start, stages, workers);
            } finally {
                pool.stop();
            }
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
