package dev.photoqueue.bench;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.GroupDescription;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The child JVM of the {@code backlog-heap} phase, started by {@link GroupBench} with
 * {@code -Xmx64m}: a group member subscribes and polls once (it owns every partition and has read
 * nothing), then one producer appends {@code records} values of {@code valueSize} bytes, so the
 * group has a backlog of all of them. The probe checks the group's lag, measures the live heap
 * with that backlog, then has the same member consume and ack a few thousand records to show it
 * still works, and prints one line, {@code group-heap-probe key=value ...}. Finishing under the
 * cap is the proof; the figures show the margin.
 *
 * <p>The member's session timeout is 10 minutes, so it stays a member while it does not poll
 * during the backlog (the default 10 s would remove it, and it would join again on its next poll).
 *
 * <p>usage: {@code GroupHeapProbe <data dir> <records> <value size> <partitions>}
 */
final class GroupHeapProbe {

    static final String RESULT_PREFIX = "group-heap-probe ";
    static final long CONSUME_AFTER_BACKLOG = 10_000;
    private static final long SESSION_TIMEOUT_MS = Duration.ofMinutes(10).toMillis();
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(5);

    private GroupHeapProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: GroupHeapProbe <data dir> <records> <value size> <partitions>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long records = Long.parseLong(args[1]);
        int valueSize = Integer.parseInt(args[2]);
        int partitions = Integer.parseInt(args[3]);
        try (GroupWorkload workload = GroupWorkload.open(dir, partitions);
             GroupConsumer member = workload.member("backlog", SESSION_TIMEOUT_MS)) {
            member.subscribe(List.of(GroupWorkload.TOPIC));
            List<ConsumerRecord> first = member.poll(Duration.ofMillis(200));
            if (!first.isEmpty() || member.assignment().size() != partitions) {
                throw new IllegalStateException("the first poll should own all " + partitions
                        + " partitions and read nothing; owns " + member.assignment() + ", read " + first.size());
            }
            Stopwatch stopwatch = Stopwatch.start();
            workload.produce(records, LogWorkload.randomValue(valueSize));
            double seconds = stopwatch.elapsedSeconds();
            workload.requireEndOffsets(records);
            GroupDescription backlog = workload.requireLag(records);
            long liveWithBacklog = HeapFigures.usedAfterGc();
            long consumed = consume(member, CONSUME_AFTER_BACKLOG, valueSize);
            member.commitSync();
            long lagAfter = workload.requireLag(records - consumed).totalLag();
            long peak = HeapFigures.peakHeapUsed();
            long afterGc = HeapFigures.usedAfterGc();
            System.out.printf(Locale.ROOT, "%srecords=%d seconds=%.3f members=%d lag=%d liveWithBacklogBytes=%d"
                            + " consumed=%d lagAfter=%d peakHeapBytes=%d usedAfterGcBytes=%d maxHeapBytes=%d gc=%s"
                            + " peakRssKb=%d%n",
                    RESULT_PREFIX, records, seconds, backlog.members().size(), backlog.totalLag(), liveWithBacklog,
                    consumed, lagAfter, peak, afterGc, Runtime.getRuntime().maxMemory(), HeapFigures.collectors(),
                    HeapFigures.peakRssKb());
        }
    }

    /** Polls and acks until at least {@code atLeast} records are done, checking each; returns how many. */
    private static long consume(GroupConsumer member, long atLeast, int valueSize) {
        OrderedDeliveryCheck check = new OrderedDeliveryCheck(member.memberId(), GroupWorkload.TOPIC, valueSize);
        long done = 0;
        while (done < atLeast) {
            List<ConsumerRecord> records = member.poll(POLL_TIMEOUT);
            if (records.isEmpty()) {
                throw new IllegalStateException("poll returned nothing after " + done + " records of the backlog");
            }
            for (ConsumerRecord r : records) {
                check.check(r);
                member.ack(r);
            }
            done += records.size();
        }
        return done;
    }
}
