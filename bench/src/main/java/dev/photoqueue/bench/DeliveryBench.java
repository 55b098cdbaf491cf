package dev.photoqueue.bench;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.NewTopic;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.worker.Delivery;
import dev.photoqueue.worker.WorkerConfig;
import dev.photoqueue.worker.WorkerPool;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code delivery} family: what each delivery guarantee of the thumbnail workers costs, the
 * three measured in turns in every round (the order rotates), on the in-house log, two embedded
 * workers in ORDERED mode ({@value #PARTITIONS} partitions; exactly-once needs ORDERED):
 * <ul>
 * <li>{@code photos/s}: the sample photographs x {@value #COPIES}, full size, three variants each,
 *     all sent at once, timed from the first send until the last {@code PhotoProcessed} is read;</li>
 * <li>{@code job to DONE p50}: {@value #PACED} photos one at a time to idle workers, each timed from
 *     its send until its {@code PhotoProcessed} is read, the moment the status view shows it DONE.
 *     The HTTP receive before the send is the same for every guarantee and is measured apart
 *     ({@code bench.jar upload}).</li>
 * </ul>
 * At-most-once commits the position at hand-out, at-least-once writes the outcome and then the
 * ack, exactly-once commits outcome and ack in one transaction (a forced transaction-log write).
 * {@code --records} does not apply.
 */
final class DeliveryBench implements BenchFamily {

    static final String DELIVERY = "delivery";
    private static final int COPIES = 3;
    private static final int PACED = 12;
    private static final int PARTITIONS = 4;
    private static final int WORKERS = 2;
    private static final Duration LIMIT = Duration.ofMinutes(10);

    private final Path samples;

    DeliveryBench(Path samples) {
        this.samples = samples;
    }

    @Override
    public String name() {
        return DELIVERY;
    }

    @Override
    public String description() {
        return "photos/s and job-to-DONE p50 of the thumbnail workers at-most-once, at-least-once and exactly-once, "
                + "in turns, on the sample photographs (" + samples + ")";
    }

    @Override
    public List<String> phases() {
        return List.of(DELIVERY);
    }

    /** One guarantee's figures in one round. */
    private record Figures(double photosPerSecond, double p50Millis) {
    }

    @Override
    public List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        List<byte[]> photos = PipelineBench.photographs(samples);
        Delivery[] modes = Delivery.values();
        Map<Delivery, List<Figures>> measured = new EnumMap<>(Delivery.class);
        for (Delivery d : modes) {
            measured.put(d, new ArrayList<>());
        }
        int rounds = options.rounds();
        for (int round = 0; round <= rounds; round++) { // round 0 warms the JIT up and is not kept
            for (int i = 0; i < modes.length; i++) {
                Delivery d = modes[(round + i) % modes.length];
                Figures f = measure(workDir, photos, d);
                System.out.printf(Locale.ROOT, "[%s] round %d %s: %.2f photos/s, job to DONE p50 %.1f ms%s%n",
                        DELIVERY, round, d.wireName(), f.photosPerSecond(), f.p50Millis(), round == 0 ? " (warm-up)" : "");
                if (round > 0) {
                    measured.get(d).add(f);
                }
            }
        }
        List<Result> results = new ArrayList<>();
        String setup = String.format(Locale.ROOT, "%d photographs x %d, %d workers, ordered", photos.size(), COPIES,
                WORKERS);
        for (Delivery d : modes) {
            results.add(Result.info(d.wireName() + " photos/s",
                    Stats.of(measured.get(d).stream().map(Figures::photosPerSecond).toList()), Unit.PHOTOS_PER_SECOND,
                    setup));
            results.add(Result.info(d.wireName() + " job to DONE p50",
                    Stats.of(measured.get(d).stream().map(Figures::p50Millis).toList()), Unit.MILLISECONDS,
                    PACED + " photos one at a time"));
        }
        results.add(Result.info("exactly-once / at-least-once photos/s", ratio(measured, Delivery.EXACTLY_ONCE,
                Delivery.AT_LEAST_ONCE, Figures::photosPerSecond), Unit.RATIO, "same round"));
        results.add(Result.info("exactly-once / at-least-once p50", ratio(measured, Delivery.EXACTLY_ONCE,
                Delivery.AT_LEAST_ONCE, Figures::p50Millis), Unit.RATIO, "same round"));
        return results;
    }

    private static Stats ratio(Map<Delivery, List<Figures>> measured, Delivery over, Delivery under,
                               java.util.function.ToDoubleFunction<Figures> figure) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < measured.get(over).size(); i++) {
            ratios.add(figure.applyAsDouble(measured.get(over).get(i)) / figure.applyAsDouble(measured.get(under).get(i)));
        }
        return Stats.of(ratios);
    }

    private static Figures measure(WorkDir workDir, List<byte[]> photos, Delivery delivery) throws Exception {
        Path dir = workDir.fresh(delivery.wireName());
        try (QueueBackend backend = QueueBackends.open(Map.of(QueueBackends.BACKEND, "inhouse",
                "data.dir", dir.resolve("queue").toString()))) {
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_UPLOADED, PARTITIONS));
            backend.admin().createTopic(new NewTopic(Topics.PHOTO_EVENTS, PARTITIONS));
            BlobStore blobs = BlobStore.onFileSystem(dir.resolve("blobs"), true);
            WorkerPool pool = WorkerPool.start(backend, WorkerConfig.fromSettings(Map.of(
                    "blob.dir", dir.resolve("blobs").toString(), "worker.count", String.valueOf(WORKERS),
                    "worker.id", "bench", "uploaded.partitions", String.valueOf(PARTITIONS), "poll.timeout.ms", "20",
                    "delivery", delivery.wireName())));
            try (Producer producer = backend.producer(); Outcomes outcomes = new Outcomes(backend)) {
                MessageCodec codec = new MessageCodec();
                // paced: one photo at a time, to idle workers
                long[] latencies = new long[PACED];
                for (int i = 0; i < PACED; i++) {
                    PhotoUploaded job = store(blobs, "paced-" + i, photos.get(i % photos.size()));
                    long start = System.nanoTime();
                    send(producer, codec, job);
                    outcomes.await(1);
                    latencies[i] = System.nanoTime() - start;
                }
                Arrays.sort(latencies);
                double p50 = latencies[PACED / 2] / 1e6;
                // throughput: everything at once
                List<PhotoUploaded> jobs = new ArrayList<>();
                for (int copy = 0; copy < COPIES; copy++) {
                    for (int i = 0; i < photos.size(); i++) {
                        jobs.add(store(blobs, "p" + copy + "-" + i, photos.get(i)));
                    }
                }
                System.gc();
                long start = System.nanoTime();
                for (PhotoUploaded job : jobs) {
                    send(producer, codec, job);
                }
                outcomes.await(jobs.size());
                double rate = jobs.size() / ((System.nanoTime() - start) / 1e9);
                return new Figures(rate, p50);
            } finally {
                pool.stop();
            }
        }
    }

    private static PhotoUploaded store(BlobStore blobs, String id, byte[] bytes) {
        return new PhotoUploaded(id, blobs.storeOriginal(id, bytes), BlobStore.sha256(bytes), Instant.now(), "bench",
                null);
    }

    private static void send(Producer producer, MessageCodec codec, PhotoUploaded job) {
        producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, job.photoId().getBytes(StandardCharsets.UTF_8),
                codec.encode(job)));
    }

    /** Reads {@code photo.events} from its start, as the status view does, counting outcomes. */
    private static final class Outcomes implements AutoCloseable {
        private final Consumer consumer;
        private final MessageCodec codec = new MessageCodec();

        Outcomes(QueueBackend backend) {
            consumer = backend.consumer(ConsumerConfig.DEFAULTS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : backend.admin().describeTopic(Topics.PHOTO_EVENTS).partitions()) {
                partitions.add(new TopicPartition(Topics.PHOTO_EVENTS, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Returns once {@code n} more photos are processed; a failed photo ends the bench. */
        void await(int n) {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            int seen = 0;
            while (seen < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen + " of " + n + " photos done in " + LIMIT);
                }
                for (ConsumerRecord r : consumer.poll(Duration.ofMillis(5))) {
                    PhotoEvent event = codec.decodeEvent(r.value());
                    if (event instanceof PhotoFailed) {
                        throw new IllegalStateException("a photo failed: " + r.valueAsString());
                    }
                    if (event instanceof PhotoProcessed) {
                        seen++;
                    }
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
