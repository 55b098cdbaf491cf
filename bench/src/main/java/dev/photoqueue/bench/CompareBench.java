package dev.photoqueue.bench;

import dev.photoqueue.queue.api.QueueBackends;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code compare} family: the {@code group} family's end-to-end workload (one producer
 * thread, one group of two member threads acking each record at-least-once, two partitions,
 * 100-byte records) on the in-house log and on a real Kafka broker ({@link LocalBroker}) in the
 * same run, round by round, in turns, so both meet the same machine. Guarantees as alike as the
 * two allow: the in-house topic with {@code fsync=interval}, Kafka with {@code acks=all} and
 * idempotence (the adapter's defaults) on one broker that, as by default, leaves flushing to the
 * OS. Each round's ratio is in-house records/s over Kafka records/s; the target is 2x.
 *
 * <p>Phase {@code e2e}: {@code --records} per round for each backend (bench/README.md uses 300,000).
 * Every record must arrive once, in order, and the lag be 0, on both.
 */
final class CompareBench implements BenchFamily {

    static final String E2E = "e2e";
    private static final double RATIO_TARGET = 2.0;

    private final Path brokerJar;

    CompareBench(Path brokerJar) {
        this.brokerJar = brokerJar;
    }

    @Override
    public String name() {
        return "compare";
    }

    @Override
    public String description() {
        return "the group family's end-to-end workload on the in-house log and on a local Kafka broker ("
                + brokerJar + "), in turns, in one run";
    }

    @Override
    public List<String> phases() {
        return List.of(E2E);
    }

    @Override
    public List<Result> run(BenchOptions options, WorkDir workDir) throws Exception {
        byte[] value = LogWorkload.randomValue(GroupBench.VALUE_SIZE);
        long records = options.records();
        int[] round = {0};
        Rounds.InTurns rates;
        try (LocalBroker broker = LocalBroker.start(brokerJar, workDir.fresh("kafka"))) {
            rates = Rounds.inTurns(E2E, "in-house", size -> inhouseRound(workDir, size, value),
                    "Kafka", size -> kafkaRound(broker, ++round[0], size, value),
                    records / 5, records, options.rounds());
        }
        String workload = String.format(Locale.ROOT, "%,d x 100 B per round, first send to last ack, %d members"
                + " ack each record, %d partitions; all delivered once, in order, lag 0", records, GroupBench.MEMBERS,
                GroupBench.PARTITIONS);
        return List.of(
                Result.info(E2E + " in-house", rates.first(), Unit.RECORDS_PER_SECOND, workload
                        + "; fsync=interval"),
                Result.info(E2E + " Kafka", rates.second(), Unit.RECORDS_PER_SECOND, "same rounds, one local "
                        + "broker (kafka-broker.jar), acks=all, idempotent producer"),
                Result.atLeast(E2E + " ratio", rates.ratio(), Unit.RATIO, RATIO_TARGET,
                        "in-house over Kafka, each round's pair measured back to back"));
    }

    private static double inhouseRound(WorkDir workDir, long size, byte[] value) throws Exception {
        Path dir = workDir.fresh(E2E);
        try (GroupWorkload workload = GroupWorkload.open(dir, GroupBench.PARTITIONS)) {
            return timed(workload, size, value);
        } finally {
            WorkDir.deleteTree(dir);
        }
    }

    private static double kafkaRound(LocalBroker broker, int round, long size, byte[] value) throws Exception {
        Map<String, String> settings = Map.of(QueueBackends.BACKEND, "kafka",
                "kafka.bootstrap.servers", broker.bootstrapServers());
        try (GroupWorkload workload = GroupWorkload.open(settings, "bench-compare-" + round,
                "bench-compare-" + round, GroupBench.PARTITIONS)) {
            return timed(workload, size, value);
        }
    }

    private static double timed(GroupWorkload workload, long size, byte[] value) throws Exception {
        GroupBench.RoundTimes t = GroupBench.groupRound(workload, size,
                GroupBench.observers(GroupMember.Observer.NONE, GroupMember.Observer.NONE),
                w -> w.produce(size, value));
        return size / t.endToEndSeconds();
    }
}
