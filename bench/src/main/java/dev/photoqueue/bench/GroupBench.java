package dev.photoqueue.bench;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code group} family: a consumer group on the in-house log through the public queue API
 * (see {@link GroupWorkload}): one producer thread, one group of two member threads, each
 * polling and acking every record (at-least-once), a topic of two partitions, each round on a
 * fresh data dir. Phases:
 * <ul>
 * <li>{@code e2e}: {@code --records} 100-byte records per round, timed from the first send until
 *     the last ack; every record must arrive once, in order ({@link OrderedDeliveryCheck}), and
 *     the group's lag must be 0 at the end; records/s;</li>
 * <li>{@code latency}: a producer paced at 10,000 records/s, 1 s of warm-up then 10 s measured
 *     per round (fixed, not scaled by {@code --records}); send-to-delivery latency percentiles
 *     ({@link LatencySamples});</li>
 * <li>{@code backlog-heap}: a backlog of {@code --records} unconsumed 100-byte records behind a
 *     subscribed member, in a child JVM capped at {@code -Xmx64m} ({@link GroupHeapProbe}).</li>
 * <li>{@code internal-fsync}: the {@code e2e} workload with {@code internal.fsync=always} (positions
 *     and delivery counts forced before records are handed out) and {@code interval}, in turns
 *     within each round; the cost of forcing is the ratio.</li>
 * </ul>
 */
final class GroupBench implements PhasedFamily {

    static final String E2E = "e2e";
    static final String LATENCY = "latency";
    static final String BACKLOG_HEAP = "backlog-heap";
    static final String INTERNAL_FSYNC = "internal-fsync";

    static final int PARTITIONS = 2;
    static final int MEMBERS = 2;
    static final int VALUE_SIZE = 100;
    private static final long SESSION_TIMEOUT_MS = 10_000;

    private static final double E2E_TARGET = 500_000;
    private static final double LATENCY_RATE = 10_000;
    private static final int LATENCY_RECORDS = 100_000;
    private static final int LATENCY_WARMUP_RECORDS = 10_000;
    private static final double LATENCY_P99_TARGET_MS = 2;
    private static final int NOISE_PARKS = 10_000;
    private static final int HEAP_CAP_MIB = 64;

    /** A round fails when no record was acked for this long. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(30);
    private static final Duration BALANCE_LIMIT = Duration.ofSeconds(30);

    /** The clock readings of one round: first send, producer flushed, last ack. */
    record RoundTimes(long startNanos, long producedNanos, long lastAckNanos) {

        double produceSeconds() {
            return (producedNanos - startNanos) / 1e9;
        }

        double endToEndSeconds() {
            return (lastAckNanos - startNanos) / 1e9;
        }
    }

    /** The producer side of a round, run on the benchmark thread. */
    @FunctionalInterface
    interface Sender {
        void send(GroupWorkload workload) throws Exception;
    }

    @Override
    public String name() {
        return "group";
    }

    @Override
    public String description() {
        return "a consumer group on the in-house log: 1 producer thread, 1 group of " + MEMBERS + " member threads, "
                + PARTITIONS + " partitions, at-least-once, fsync=interval";
    }

    /** Each phase on fresh data. */
    @Override
    public List<NamedPhase> namedPhases() {
        return List.of(new NamedPhase(E2E, this::endToEnd),
                new NamedPhase(LATENCY, this::latency),
                new NamedPhase(BACKLOG_HEAP, (o, w) -> List.of(backlogHeap(o, w))),
                new NamedPhase(INTERNAL_FSYNC, this::internalFsyncCost));
    }

    private List<Result> endToEnd(BenchOptions options, WorkDir workDir) throws Exception {
        long records = options.records();
        byte[] value = LogWorkload.randomValue(VALUE_SIZE);
        List<Double> produceRates = new ArrayList<>();
        Stats stats = Rounds.measure(E2E, Unit.RECORDS_PER_SECOND, records / 5, records, options.rounds(),
                (size, measured) -> {
                    Path dir = workDir.fresh(E2E);
                    try (GroupWorkload workload = GroupWorkload.open(dir, PARTITIONS)) {
                        RoundTimes t = groupRound(workload, size, observers(GroupMember.Observer.NONE,
                                GroupMember.Observer.NONE), w -> w.produce(size, value));
                        double produceRate = size / t.produceSeconds();
                        System.out.printf(Locale.ROOT, "[%s] producer flushed after %.2f s (%s), last ack after %.2f s%n",
                                E2E, t.produceSeconds(), Unit.RECORDS_PER_SECOND.format(produceRate),
                                t.endToEndSeconds());
                        if (measured) {
                            produceRates.add(produceRate);
                        }
                        return size / t.endToEndSeconds();
                    } finally {
                        WorkDir.deleteTree(dir);
                    }
                });
        return List.of(
                Result.atLeast(E2E, stats, Unit.RECORDS_PER_SECOND, E2E_TARGET, String.format(Locale.ROOT,
                        "%,d x 100 B per round, first send to last ack; %d members ack each record;"
                                + " all delivered once, in order, lag 0", records, MEMBERS)),
                Result.info(E2E + " produce", Stats.of(produceRates), Unit.RECORDS_PER_SECOND,
                        "same rounds, first send until the producer's flush() returned"));
    }

    /**
     * The e2e round with {@code internal.fsync=always}, then with {@code interval}, in every round;
     * the figure is always / interval, records/s over records/s of the same round.
     */
    private List<Result> internalFsyncCost(BenchOptions options, WorkDir workDir) throws Exception {
        byte[] value = LogWorkload.randomValue(VALUE_SIZE);
        Rounds.InTurns rates = Rounds.inTurns(INTERNAL_FSYNC, "always", size -> endToEndRate(workDir, size, value,
                "always"), "interval", size -> endToEndRate(workDir, size, value, "interval"),
                options.records() / 5, options.records(), options.rounds());
        return List.of(
                Result.info(INTERNAL_FSYNC + " always", rates.first(), Unit.RECORDS_PER_SECOND,
                        "e2e with positions and delivery counts forced before every hand-out"),
                Result.info(INTERNAL_FSYNC + " interval", rates.second(), Unit.RECORDS_PER_SECOND,
                        "the same rounds, positions and delivery counts forced every flush.ms (the default)"),
                Result.info(INTERNAL_FSYNC + " always / interval", rates.ratio(), Unit.RATIO,
                        "per round; below 1 is the cost of forcing"));
    }

    private double endToEndRate(WorkDir workDir, long size, byte[] value, String internalFsync) throws Exception {
        Path dir = workDir.fresh(INTERNAL_FSYNC);
        try (GroupWorkload workload = GroupWorkload.open(dir, PARTITIONS, internalFsync)) {
            RoundTimes t = groupRound(workload, size, observers(GroupMember.Observer.NONE, GroupMember.Observer.NONE),
                    w -> w.produce(size, value));
            return size / t.endToEndSeconds();
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    private List<Result> latency(BenchOptions options, WorkDir workDir) throws Exception {
        List<Double> p50 = new ArrayList<>();
        List<Double> p999 = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> noise = new ArrayList<>();
        Stats p99 = Rounds.measure(LATENCY + " p99", Unit.MILLISECONDS, LATENCY_RECORDS / 5, LATENCY_RECORDS,
                options.rounds(), (size, measured) -> {
                    if (measured) {
                        noise.add(SchedulerNoise.oversleepP99Ms(NOISE_PARKS));
                        System.out.printf(Locale.ROOT, "[%s] just before: park(100 us) oversleeps %.3f ms at p99%n",
                                LATENCY, noise.get(noise.size() - 1));
                    }
                    double[] rate = new double[1];
                    LatencySamples.Percentiles p = latencyRound(workDir, Math.toIntExact(size), rate);
                    System.out.printf(Locale.ROOT, "[%s] %,d measured at %,.0f records/s: p50 %.3f ms, p99 %.3f ms,"
                            + " p999 %.3f ms, max %.3f ms%n", LATENCY, p.count(), rate[0], p.p50Ms(), p.p99Ms(),
                            p.p999Ms(), p.maxMs());
                    if (measured) {
                        p50.add(p.p50Ms());
                        p999.add(p.p999Ms());
                        max.add(p.maxMs());
                        rates.add(rate[0]);
                    }
                    return p.p99Ms();
                });
        String setup = String.format(Locale.ROOT, "paced at %,.0f/s (achieved %,.0f..%,.0f), %,d measured per round"
                        + " after %,d warm-up; send to poll return", LATENCY_RATE, Stats.of(rates).min(),
                Stats.of(rates).max(), LATENCY_RECORDS, LATENCY_WARMUP_RECORDS);
        return List.of(
                Result.info(LATENCY + " p50", Stats.of(p50), Unit.MILLISECONDS, "same rounds"),
                Result.atMost(LATENCY + " p99", p99, Unit.MILLISECONDS, LATENCY_P99_TARGET_MS, setup),
                Result.info(LATENCY + " p999", Stats.of(p999), Unit.MILLISECONDS, "same rounds"),
                Result.info(LATENCY + " max", Stats.of(max), Unit.MILLISECONDS, "same rounds"),
                Result.info("wake-up delay", Stats.of(noise), Unit.MILLISECONDS, String.format(Locale.ROOT,
                        "p99 oversleep of %,d parks of 100 us just before each round: the machine's own share",
                        NOISE_PARKS)));
    }

    /** One latency round on a fresh data dir; {@code rate[0]} gets the measured window's send rate. */
    private static LatencySamples.Percentiles latencyRound(WorkDir workDir, int measured, double[] rate)
            throws Exception {
        Path dir = workDir.fresh(LATENCY);
        try (GroupWorkload workload = GroupWorkload.open(dir, PARTITIONS)) {
            List<LatencySamples> samples = List.of(new LatencySamples(measured), new LatencySamples(measured));
            groupRound(workload, LATENCY_WARMUP_RECORDS + measured, observers(samples.get(0), samples.get(1)),
                    w -> rate[0] = pacedProduce(w, measured));
            LatencySamples.Percentiles p = LatencySamples.percentiles(samples);
            if (p.count() != measured) {
                throw new IllegalStateException("sent " + measured + " measured records, the members saw " + p.count());
            }
            return p;
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    /**
     * Sends the warm-up records, then {@code measured} more, one every 1/{@value #LATENCY_RATE} s,
     * each value stamped just before its send; returns the measured window's achieved rate.
     */
    private static double pacedProduce(GroupWorkload workload, int measured) {
        try (Producer producer = workload.backend().producer()) {
            Pacer pacer = new Pacer(LATENCY_RATE);
            long windowStart = 0;
            for (int i = 0; i < LATENCY_WARMUP_RECORDS + measured; i++) {
                boolean inWindow = i >= LATENCY_WARMUP_RECORDS;
                pacer.awaitNext();
                if (i == LATENCY_WARMUP_RECORDS) {
                    windowStart = System.nanoTime();
                }
                byte[] value = LatencySamples.stamp(new byte[VALUE_SIZE], inWindow);
                producer.send(new ProducerRecord(workload.topic(), null, null, value, null, List.of()));
            }
            double rate = (measured - 1) / ((System.nanoTime() - windowStart) / 1e9);
            producer.flush();
            return rate;
        }
    }

    static List<GroupMember.Observer> observers(GroupMember.Observer first, GroupMember.Observer second) {
        return List.of(first, second);
    }

    /**
     * Starts one member thread per observer, waits until they share the partitions evenly, runs
     * the sender, and waits for the last ack; then checks that the topic holds {@code total}
     * records and that the group's lag is 0, and stops the members.
     */
    static RoundTimes groupRound(GroupWorkload workload, long total, List<GroupMember.Observer> observers,
                                         Sender sender) throws Exception {
        AckTally tally = new AckTally(total);
        List<GroupMember> members = new ArrayList<>();
        try {
            for (int i = 0; i < observers.size(); i++) {
                String name = "bench-member-" + (i + 1);
                members.add(GroupMember.start(name, workload.member(name, SESSION_TIMEOUT_MS), workload.topic(), tally,
                        observers.get(i), VALUE_SIZE));
            }
            awaitBalanced(members, tally);
            long start = System.nanoTime();
            sender.send(workload);
            long produced = System.nanoTime();
            long lastAck = tally.awaitCompletion(STALL_LIMIT);
            // The members leave first: leaving commits their positions (Kafka commits acks in the
            // background, so right after the last ack its lag may still show).
            stopAll(members);
            workload.requireEndOffsets(total);
            workload.requireLag(0);
            return new RoundTimes(start, produced, lastAck);
        } finally {
            stopAll(members);
        }
    }

    private static void stopAll(List<GroupMember> members) throws InterruptedException {
        for (GroupMember m : members) {
            m.stop();
        }
    }

    /** Waits until every member owns its even share of the partitions, so no rebalance runs while measuring. */
    private static void awaitBalanced(List<GroupMember> members, AckTally tally) throws InterruptedException {
        long deadline = System.nanoTime() + BALANCE_LIMIT.toNanos();
        int share = PARTITIONS / members.size();
        while (!members.stream().allMatch(m -> m.owned() == share)) {
            if (tally.isComplete()) {
                tally.awaitCompletion(STALL_LIMIT);
            }
            if (System.nanoTime() > deadline) {
                StringBuilder owned = new StringBuilder();
                members.forEach(m -> owned.append(' ').append(m.name()).append('=').append(m.owned()));
                throw new IllegalStateException("members did not settle on " + share + " partitions each within "
                        + BALANCE_LIMIT.toSeconds() + " s; owned:" + owned);
            }
            Thread.sleep(10);
        }
    }

    private Result backlogHeap(BenchOptions options, WorkDir workDir) throws Exception {
        long records = options.records();
        ChildJvm.Outcome outcome = ChildJvm.runCappedIn(workDir, BACKLOG_HEAP, HEAP_CAP_MIB, GroupHeapProbe.class,
                dir -> List.of(dir.toString(), Long.toString(records), Integer.toString(VALUE_SIZE),
                        Integer.toString(PARTITIONS)), GroupHeapProbe.RESULT_PREFIX);
        return backlogHeapResult(records, outcome);
    }

    private static Result backlogHeapResult(long records, ChildJvm.Outcome outcome) {
        if (!outcome.reported("peakHeapBytes")) {
            return ChildJvm.unreported(BACKLOG_HEAP, HEAP_CAP_MIB, outcome);
        }
        double peak = outcome.longFigure("peakHeapBytes") / 1048576.0;
        String notes = String.format(Locale.ROOT, "child -Xmx64m (%s), %d member, %d partitions: backlog of %,d x 100 B"
                        + " (lag %,d), %.1f MiB live with it; then consumed %,d (lag %,d), %.1f MiB after GC;"
                        + " RSS peak %,d MiB",
                outcome.collector(), outcome.longFigure("members"), PARTITIONS, records,
                outcome.longFigure("lag"), outcome.longFigure("liveWithBacklogBytes") / 1048576.0,
                outcome.longFigure("consumed"), outcome.longFigure("lagAfter"),
                outcome.longFigure("usedAfterGcBytes") / 1048576.0, outcome.longFigure("peakRssKb") / 1024);
        return new Result(BACKLOG_HEAP, Stats.single(peak), Unit.MIB, HEAP_CAP_MIB, true, false, notes);
    }
}
