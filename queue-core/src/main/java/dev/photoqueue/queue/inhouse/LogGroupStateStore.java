package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.group.CommittedPosition;
import dev.photoqueue.queue.group.GroupStateStore;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Committed positions kept in the log itself, in the internal topic {@value #TOPIC} (one
 * partition): one record per (group, partition) change, the latest record winning, as in Kafka's
 * {@code __consumer_offsets}. The log is kept short without compaction: when it grows past
 * {@value #SNAPSHOT_AFTER_BYTES} bytes, every current position is written again as a snapshot and
 * the segments before the snapshot are deleted; they hold nothing the snapshot does not.
 *
 * <p>Record: key = group id (UTF-8); value:
 * <pre>
 * topic (UTF) | partition (int32) | committed (int64) | n (int32) | n acked offsets above it (int64)
 * [ highest delivered (int64) | m (int32) | m x (offset (int64), delivery count (int32)) ]
 * </pre>
 * The bracketed delivery state was added later; a value that ends before it (written by an older
 * release) loads with none: counting starts afresh for it.
 *
 * <p>Commit point: a persist completes when every one of its records is written (and forced, when
 * asked or under {@code internal.fsync=always}); the coordinator marks the positions clean only
 * then. A snapshot deletes the segments it supersedes only after all its records were written
 * and forced. Thread-safe.
 */
final class LogGroupStateStore implements GroupStateStore {

    private static final Logger LOG = LoggerFactory.getLogger(LogGroupStateStore.class);
    static final String TOPIC = "__consumer_offsets";
    private static final long SNAPSHOT_AFTER_BYTES = 32L << 20;

    private record Key(String groupId, TopicPartition partition) {
    }

    private final LogManager log;
    private final long snapshotAfterBytes;
    private final boolean forceWrites;
    /** Created with the first position to persist: a queue without groups has no such topic. */
    private PartitionLog partition;
    /** The latest position of every (group, partition), as persisted: what a snapshot writes. */
    private final Map<Key, CommittedPosition> latest = new HashMap<>();

    /**
     * @param forceWrites every persist completes only once forced to disk ({@code internal.fsync=always});
     *                    otherwise only those that ask for it, the others being forced every {@code flush.ms}
     */
    LogGroupStateStore(LogManager log, boolean forceWrites) {
        this(log, SNAPSHOT_AFTER_BYTES, forceWrites);
    }

    /** With another snapshot threshold than {@value #SNAPSHOT_AFTER_BYTES} bytes, so tests can reach it. */
    LogGroupStateStore(LogManager log, long snapshotAfterBytes, boolean forceWrites) {
        this.log = log;
        this.snapshotAfterBytes = snapshotAfterBytes;
        this.forceWrites = forceWrites;
        this.partition = log.findTopic(TOPIC).map(t -> t.partition(0)).orElse(null);
    }

    private PartitionLog partition() {
        if (partition == null) {
            partition = log.createTopic(TOPIC, 1, Map.of(TopicConfigs.SEGMENT_BYTES, String.valueOf(8 << 20),
                    TopicConfigs.RETENTION_MS, "-1")).partition(0);
        }
        return partition;
    }

    @Override
    public synchronized Map<String, Map<TopicPartition, CommittedPosition>> load() {
        if (partition == null) {
            return Map.of();
        }
        long next = partition.startOffset();
        PartitionLog.Fetch previous = null;
        while (next < partition.endOffset()) {
            PartitionLog.Fetch fetch;
            try {
                fetch = partition.read(next, 1 << 20, previous);
            } catch (CorruptRecordException e) {
                LOG.error("committed positions after offset {} of {} are unreadable ({}); those groups start from "
                        + "their last readable positions", next, TOPIC, e.getMessage());
                break;
            }
            for (ConsumerRecord r : fetch.records()) {
                decode(r);
            }
            previous = fetch;
            next = fetch.nextOffset();
        }
        Map<String, Map<TopicPartition, CommittedPosition>> byGroup = new LinkedHashMap<>();
        latest.forEach((k, v) -> byGroup.computeIfAbsent(k.groupId, g -> new LinkedHashMap<>()).put(k.partition, v));
        return byGroup;
    }

    private void decode(ConsumerRecord r) {
        String groupId = new String(r.key(), StandardCharsets.UTF_8);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(r.value()))) {
            TopicPartition tp = new TopicPartition(in.readUTF(), in.readInt());
            long committed = in.readLong();
            int count = in.readInt();
            List<Long> acked = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                acked.add(in.readLong());
            }
            long highestDelivered = -1;
            Map<Long, Integer> counts = new HashMap<>();
            if (in.available() > 0) {
                highestDelivered = in.readLong();
                int m = in.readInt();
                for (int i = 0; i < m; i++) {
                    counts.put(in.readLong(), in.readInt());
                }
            }
            latest.put(new Key(groupId, tp), new CommittedPosition(committed, acked, highestDelivered, counts));
        } catch (IOException | RuntimeException e) {
            // A cut-short record ends in an EOFException without a message: said as what it means.
            String why = e instanceof EOFException ? "the record ends before its last field"
                    : StorageException.reason(e);
            LOG.error("skipping unreadable committed position at offset {} of {}: {}", r.offset(), TOPIC, why);
        }
    }

    @Override
    public synchronized CompletableFuture<Void> persist(String groupId, Map<TopicPartition, CommittedPosition> positions,
                                                        boolean force) {
        List<CompletableFuture<RecordMetadata>> writes = new ArrayList<>(positions.size());
        for (Map.Entry<TopicPartition, CommittedPosition> e : positions.entrySet()) {
            latest.put(new Key(groupId, e.getKey()), e.getValue());
            writes.add(append(groupId, e.getKey(), e.getValue(), force || forceWrites));
        }
        if (partition().sizeInBytes() > snapshotAfterBytes) {
            snapshot();
        }
        // Every write counts, not just the last: one that failed and was cut back (a full disk) may
        // be followed by one that fitted.
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<RecordMetadata> append(String groupId, TopicPartition tp, CommittedPosition position,
                                                     boolean force) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(tp.topic());
            out.writeInt(tp.partition());
            out.writeLong(position.offset());
            out.writeInt(position.ackedAbove().size());
            for (long offset : position.ackedAbove()) {
                out.writeLong(offset);
            }
            out.writeLong(position.highestDelivered());
            out.writeInt(position.deliveryCounts().size());
            for (Map.Entry<Long, Integer> e : position.deliveryCounts().entrySet()) {
                out.writeLong(e.getKey());
                out.writeInt(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return partition().append(log.clock().millis(), groupId.getBytes(StandardCharsets.UTF_8), bytes.toByteArray(),
                List.of(), force);
    }

    /**
     * Writes every current position again, then drops the segments the snapshot supersedes. Only
     * when every record of the snapshot was written: the older segments may hold the one copy of
     * a position whose snapshot record failed.
     */
    private void snapshot() {
        long snapshotStart = partition.endOffset();
        List<CompletableFuture<RecordMetadata>> writes = new ArrayList<>(latest.size());
        for (Map.Entry<Key, CommittedPosition> e : latest.entrySet()) {
            writes.add(append(e.getKey().groupId, e.getKey().partition, e.getValue(), false));
        }
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        partition.drain();
        // The snapshot must be on disk before what it supersedes goes: written to the OS is not enough
        // when the topic's fsync policy is not "always" and the machine, not just the process, stops.
        partition.flush();
        int deleted = partition.deleteSegmentsBefore(snapshotStart);
        LOG.info("snapshot of {} committed positions written to {}; {} older segments deleted", latest.size(), TOPIC,
                deleted);
    }
}
