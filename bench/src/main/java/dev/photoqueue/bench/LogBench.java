package dev.photoqueue.bench;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code log} family: the in-house log through the public queue API, one producer thread and
 * one consumer thread, each round on a fresh data dir (see {@link LogWorkload}). Phases:
 * <ul>
 * <li>{@code append-100}: {@code --records} 100-byte values per round, records/s, timed up to the
 *     end of {@code flush()}, so only acknowledged records count;</li>
 * <li>{@code append-1k}: {@code --records}/10 1 KiB values per round (1 GiB of payload by default),
 *     payload MB/s (10^6 bytes), each round paired with a dd run of 1 GiB on the same disk;</li>
 * <li>{@code read}: {@code --records} 100-byte records written once, then read from offset 0 with
 *     assign + poll (default consumer settings) each round, records/s;</li>
 * <li>{@code heap}: {@code --records} 100-byte appends in a child JVM capped at {@code -Xmx64m}.</li>
 * </ul>
 * With {@code --peer chronicle}, {@code append-100} and {@code read} also run on Chronicle Queue
 * ({@link ChronicleLog}) in turns within each round (the side that goes first alternates), each
 * append on a fresh directory, and each round's in-house over Chronicle ratio is judged (>= 1.0).
 */
final class LogBench implements PhasedFamily {

    static final String APPEND_100 = "append-100";
    static final String APPEND_1K = "append-1k";
    static final String READ = "read";
    static final String HEAP = "heap";

    private static final double APPEND_100_TARGET = 1_000_000;
    private static final double APPEND_1K_TARGET = 250;
    private static final double READ_TARGET = 2_000_000;
    /** The peer's rows: in-house over Chronicle Queue, per round. */
    /** A 100-byte unkeyed record without headers in the in-house format, and a batch's header (RecordBatches). */
    private static final int IN_HOUSE_RECORD_BYTES = 128;
    private static final int IN_HOUSE_BATCH_HEADER_BYTES = 39;
    private static final String PEER = "Chronicle";
    private static final String RATIO = " in-house / " + PEER;
    private static final double PEER_RATIO_TARGET = 1.0;
    private static final int HEAP_CAP_MIB = 64;
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "log";
    }

    @Override
    public String description() {
        return "the in-house log through the queue API, 1 producer thread, 1 partition, fsync=interval";
    }

    /** Each phase on fresh data. */
    @Override
    public List<NamedPhase> namedPhases() {
        return List.of(new NamedPhase(APPEND_100, this::append100),
                new NamedPhase(APPEND_1K, this::append1k),
                new NamedPhase(READ, this::read),
                new NamedPhase(HEAP, (o, w) -> List.of(heap(o, w))));
    }

    private List<Result> append100(BenchOptions options, WorkDir workDir) throws Exception {
        long records = options.records();
        byte[] value = LogWorkload.randomValue(100);
        long[] diskBytes = new long[1];
        SideBySide.Side own = size -> inhouseAppend(workDir, size, value, diskBytes);
        if (!options.chroniclePeer()) {
            Stats stats = Rounds.measure(APPEND_100, Unit.RECORDS_PER_SECOND, records / 5, records, options.rounds(),
                    (size, measured) -> own.run(size).recordsPerSecond());
            return List.of(Result.atLeast(APPEND_100, stats, Unit.RECORDS_PER_SECOND, APPEND_100_TARGET,
                    append100Notes(records, diskBytes)));
        }
        SideBySide pair = new SideBySide(APPEND_100, PEER);
        Stats ratio = Rounds.measure(APPEND_100 + RATIO, Unit.RATIO, records / 5, records, options.rounds(),
                (size, measured) -> pair.round(size, measured, own, n -> chronicleAppend(workDir, n, value)));
        List<Result> results = new ArrayList<>();
        results.add(Result.atLeast(APPEND_100, pair.ownRates(), Unit.RECORDS_PER_SECOND, APPEND_100_TARGET,
                append100Notes(records, diskBytes)));
        results.add(Result.atLeast(APPEND_100 + RATIO, ratio, Unit.RATIO, PEER_RATIO_TARGET,
                "in-house over Chronicle Queue, per round, in turns, each on a fresh dir"));
        results.addAll(pair.infoRows("same rounds: writeBytes of one wrapped value, returns once in the mapped file"));
        return results;
    }

    /**
     * With the bytes on disk per record, the records per batch they imply: each batch is one
     * write of the log's writer thread, so this is how many records share one of its wake-ups.
     */
    private static String append100Notes(long records, long[] diskBytes) {
        long batchOverhead = diskBytes[0] - records * IN_HOUSE_RECORD_BYTES;
        String perBatch = batchOverhead <= 0 ? "" : String.format(Locale.ROOT, ", ~%,.0f records/batch (last round)",
                records * (double) IN_HOUSE_BATCH_HEADER_BYTES / batchOverhead);
        return String.format(Locale.ROOT, "%,d x 100 B per round, %.2f B/record on disk%s", records,
                diskBytes[0] / (double) records, perBatch);
    }

    /** Times sends plus flush, then checks that every record was acknowledged. */
    private static SideBySide.Measured inhouseAppend(WorkDir workDir, long size, byte[] value, long[] diskBytes)
            throws Exception {
        Path dir = workDir.fresh(APPEND_100);
        try (LogWorkload log = LogWorkload.open(dir)) {
            SideBySide.Measured measured = SideBySide.time(size, () -> log.append(size, value));
            log.requireEndOffset(size);
            diskBytes[0] = log.sizeBytes();
            return measured;
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    private static SideBySide.Measured chronicleAppend(WorkDir workDir, long size, byte[] value) throws Exception {
        Path dir = workDir.fresh(APPEND_100 + "-chronicle");
        try (ChronicleLog log = ChronicleLog.open(dir)) {
            return SideBySide.time(size, () -> log.append(size, value));
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    /**
     * The append-1k row (acknowledged, the target's figure), the same rounds timed until the
     * backend's close has forced every byte to disk, the disk's own rate from dd just before each
     * round, and the per-round ratios. dd's clock includes its fdatasync, so "forced / dd" is the
     * like-for-like ratio; "append-1k / dd" also counts bytes still in the page cache.
     */
    private List<Result> append1k(BenchOptions options, WorkDir workDir) throws Exception {
        long records = Math.max(1, options.records() / 10);
        double megabytes = records * 1024 / 1e6;
        byte[] value = LogWorkload.randomValue(1024);
        List<Double> forcedRates = new ArrayList<>();
        List<Double> ddRates = new ArrayList<>();
        List<Double> ackedRatios = new ArrayList<>();
        List<Double> forcedRatios = new ArrayList<>();
        Stats stats = Rounds.measure(APPEND_1K, Unit.MB_PER_SECOND, records / 5, records, options.rounds(),
                (size, measured) -> {
                    double dd = measured ? DiskWriteRate.measure(workDir.path()) : Double.NaN;
                    double[] seconds = forcedAppend(workDir, size, value);
                    double acked = size * 1024 / seconds[0] / 1e6;
                    double forced = size * 1024 / seconds[1] / 1e6;
                    if (!measured) {
                        return acked;
                    }
                    System.out.printf(Locale.ROOT, "[%s] dd just before: %s; forced to disk by close: %s%n",
                            APPEND_1K, Unit.MB_PER_SECOND.format(dd), Unit.MB_PER_SECOND.format(forced));
                    ddRates.add(dd);
                    forcedRates.add(forced);
                    ackedRatios.add(acked / dd);
                    forcedRatios.add(forced / dd);
                    return acked;
                });
        return List.of(
                Result.atLeast(APPEND_1K, stats, Unit.MB_PER_SECOND, APPEND_1K_TARGET, String.format(Locale.ROOT,
                        "%,d x 1 KiB (%,.0f MB) per round, acked; MB = 10^6 B of payload", records, megabytes)),
                Result.info(APPEND_1K + " forced", Stats.of(forcedRates), Unit.MB_PER_SECOND,
                        "same rounds, timed until close() forced all (close adds <= ~0.1 s)"),
                Result.info("disk (dd)", Stats.of(ddRates), Unit.MB_PER_SECOND,
                        "dd bs=1M count=1024 conv=fdatasync, just before each round"),
                Result.info(APPEND_1K + " / dd", Stats.of(ackedRatios), Unit.RATIO, "per round"),
                Result.info(APPEND_1K + " forced / dd", Stats.of(forcedRatios), Unit.RATIO,
                        "per round; like for like with dd"));
    }

    /** Seconds until every send is acknowledged, and until the closed backend has forced it all to disk. */
    private static double[] forcedAppend(WorkDir workDir, long records, byte[] value) {
        Path dir = workDir.fresh(APPEND_1K);
        try {
            LogWorkload log = LogWorkload.open(dir);
            Stopwatch stopwatch;
            double acked;
            try {
                stopwatch = Stopwatch.start();
                log.append(records, value);
                acked = stopwatch.elapsedSeconds();
                log.requireEndOffset(records);
            } finally {
                log.close();
            }
            return new double[] {acked, stopwatch.elapsedSeconds()};
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    private List<Result> read(BenchOptions options, WorkDir workDir) throws Exception {
        long records = options.records();
        boolean peer = options.chroniclePeer();
        Path dir = workDir.fresh(READ);
        Path peerDir = workDir.fresh(READ + "-chronicle");
        byte[] value = LogWorkload.randomValue(100);
        try (LogWorkload log = LogWorkload.open(dir);
             ChronicleLog chronicle = peer ? ChronicleLog.open(peerDir) : null) {
            System.out.printf("[%s] writing %,d x 100 B records to read (not timed)%n", READ, records);
            log.append(records, value);
            log.requireEndOffset(records);
            String notes = String.format(Locale.ROOT, "%,d x 100 B from offset 0, default ConsumerConfig, page"
                    + " cache warm", records);
            SideBySide.Side own = size -> SideBySide.time(size, () -> readChecked(log, size));
            if (!peer) {
                Stats stats = Rounds.measure(READ, Unit.RECORDS_PER_SECOND, records / 5, records, options.rounds(),
                        (size, measured) -> own.run(size).recordsPerSecond());
                return List.of(Result.atLeast(READ, stats, Unit.RECORDS_PER_SECOND, READ_TARGET, notes));
            }
            chronicle.append(records, value);
            SideBySide pair = new SideBySide(READ, PEER);
            Stats ratio = Rounds.measure(READ + RATIO, Unit.RATIO, records / 5, records, options.rounds(),
                    (size, measured) -> pair.round(size, measured, own,
                            n -> SideBySide.time(n, () -> chronicle.read(n, value.length))));
            List<Result> results = new ArrayList<>();
            results.add(Result.atLeast(READ, pair.ownRates(), Unit.RECORDS_PER_SECOND, READ_TARGET, notes));
            results.add(Result.atLeast(READ + RATIO, ratio, Unit.RATIO, PEER_RATIO_TARGET,
                    "in-house over Chronicle Queue, per round, in turns"));
            results.addAll(pair.infoRows("same rounds: a new tailer from the start, readBytes into one reused buffer"));
            results.add(readOwned(options, chronicle, records, value.length));
            return results;
        } finally {
            WorkDir.deleteTree(dir);
            WorkDir.deleteTree(peerDir);
        }
    }

    /** Chronicle Queue handing out a byte[] per record, as {@code poll} does (info; its own rounds, after the pair's). */
    private static Result readOwned(BenchOptions options, ChronicleLog chronicle, long records, int size)
            throws Exception {
        String phase = READ + " " + PEER + " byte[]";
        Stats stats = Rounds.measure(phase, Unit.RECORDS_PER_SECOND, records / 5, records, options.rounds(),
                (n, measured) -> {
                    SideBySide.Measured m = SideBySide.time(n, () -> chronicle.readOwned(n, size));
                    System.out.printf("[%s] %s%n", phase, m.cost());
                    return m.recordsPerSecond();
                });
        return Result.info(phase, stats, Unit.RECORDS_PER_SECOND, "like for like with poll: readBytes, then a"
                + " byte[] of its own per record (toByteArray); rounds of its own, after the pair's");
    }

    /** Reads the first {@code records} records with a new consumer, checking every offset and value. */
    private static void readChecked(LogWorkload log, long records) {
        long next = 0;
        try (Consumer consumer = log.backend().consumer(ConsumerConfig.DEFAULTS)) {
            consumer.assign(List.of(LogWorkload.PARTITION));
            while (next < records) {
                List<ConsumerRecord> batch = consumer.poll(POLL_TIMEOUT);
                if (batch.isEmpty()) {
                    throw new IllegalStateException("poll returned nothing at offset " + next + " of " + records);
                }
                for (ConsumerRecord r : batch) {
                    if (r.offset() != next || r.value().length != 100) {
                        throw new IllegalStateException("expected offset " + next + " with 100 bytes, read " + r);
                    }
                    next++;
                }
            }
        }
    }

    private Result heap(BenchOptions options, WorkDir workDir) throws Exception {
        long records = options.records();
        ChildJvm.Outcome outcome = ChildJvm.runCappedIn(workDir, HEAP, HEAP_CAP_MIB, HeapProbe.class,
                dir -> List.of(dir.toString(), Long.toString(records), "100"), HeapProbe.RESULT_PREFIX);
        return heapResult(records, outcome);
    }

    private static Result heapResult(long records, ChildJvm.Outcome outcome) {
        if (!outcome.reported("peakHeapBytes")) {
            return ChildJvm.unreported(HEAP, HEAP_CAP_MIB, outcome);
        }
        double peak = outcome.longFigure("peakHeapBytes") / 1048576.0;
        double afterGc = outcome.longFigure("usedAfterGcBytes") / 1048576.0;
        double seconds = outcome.doubleFigure("seconds");
        long rssMib = outcome.longFigure("peakRssKb") / 1024;
        String notes = String.format(Locale.ROOT, "child -Xmx64m (%s) appended %,d x 100 B, %,.0f records/s;"
                + " %.1f MiB after GC; RSS peak %,d MiB", outcome.collector(), records, records / seconds, afterGc, rssMib);
        return new Result(HEAP, Stats.single(peak), Unit.MIB, HEAP_CAP_MIB, true, false, notes);
    }
}
