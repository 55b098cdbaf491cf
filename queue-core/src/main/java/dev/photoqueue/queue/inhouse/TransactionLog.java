package dev.photoqueue.queue.inhouse;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.log.LogManager;
import dev.photoqueue.queue.log.PartitionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The decisions of transactions, kept in the internal topic {@value #TOPIC} (one partition). A
 * transaction commits when its {@code COMMIT} record is written: that one record holds both the
 * transaction's output records and the acks of its inputs, so the two become durable in one
 * atomic log write (a torn record is cut by recovery, and then neither exists). Applying it, the
 * outputs appended to their partitions and the acks to the group's positions, follows; a
 * {@code COMPLETE} record then says it needs no applying again after a crash.
 *
 * <p>Records, keyed by transactional id (UTF-8); values start with a type byte and the
 * producer's epoch (int32):
 * <pre>
 * INIT     0 | epoch                                   a producer took the id over
 * COMMIT   1 | epoch | sequence (int64) | group | acks | outputs | from-offsets
 * COMPLETE 2 | epoch | sequence                        the commit was applied
 * </pre>
 * {@code group} is a string (empty: no inputs); {@code acks} n x (topic, partition, offset);
 * {@code outputs} n x (topic, partition, timestamp, key, value, headers); {@code from-offsets}
 * n x (topic, partition, end offset when the commit was decided), where applying starts to look
 * for outputs already written. Strings and byte arrays are an int32 length (-1: null) and bytes.
 *
 * <p>The log is kept short without compaction, as {@link LogGroupStateStore} does: past
 * {@value #SNAPSHOT_AFTER_BYTES} bytes, with no commit pending, every producer's epoch is written
 * again and the older segments are deleted. Not thread-safe: the {@link TransactionCoordinator}
 * serialises its use.
 */
final class TransactionLog {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionLog.class);
    static final String TOPIC = "__transactions";
    /** The largest COMMIT record, so the largest transaction, in encoded bytes. */
    static final int MAX_COMMIT_BYTES = 16 << 20;
    private static final long SNAPSHOT_AFTER_BYTES = 32L << 20;
    private static final byte INIT = 0;
    private static final byte COMMIT = 1;
    private static final byte COMPLETE = 2;

    /** An output record of a transaction, its partition chosen. */
    record Output(TopicPartition topicPartition, long timestamp, byte[] key, byte[] value, List<Header> headers) {
    }

    /** A decided transaction: what {@link TransactionCoordinator} applies, now or after a restart. */
    record Commit(String transactionalId, int epoch, long sequence, String groupId,
                  Map<TopicPartition, List<Long>> acks, List<Output> outputs, Map<TopicPartition, Long> fromOffsets) {

        /** The value of the header that marks this transaction's outputs. */
        String marker() {
            return transactionalId + "/" + epoch + "/" + sequence;
        }
    }

    /** What the log holds: the latest epoch of every transactional id, and the commits not yet applied, in order. */
    record State(Map<String, Integer> epochs, List<Commit> pending) {
    }

    private final LogManager log;
    private PartitionLog partition;

    TransactionLog(LogManager log) {
        this.log = log;
        this.partition = log.findTopic(TOPIC).map(t -> t.partition(0)).orElse(null);
    }

    private PartitionLog partition() {
        if (partition == null) {
            partition = log.createTopic(TOPIC, 1, Map.of(
                    TopicConfigs.SEGMENT_BYTES, String.valueOf(MAX_COMMIT_BYTES + (1 << 20)),
                    TopicConfigs.MAX_RECORD_BYTES, String.valueOf(MAX_COMMIT_BYTES + (1 << 10)),
                    TopicConfigs.RETENTION_MS, "-1")).partition(0);
        }
        return partition;
    }

    State load() {
        Map<String, Integer> epochs = new HashMap<>();
        Map<String, Commit> pending = new LinkedHashMap<>();
        if (partition == null) {
            return new State(epochs, List.of());
        }
        long next = partition.startOffset();
        PartitionLog.Fetch previous = null;
        while (next < partition.endOffset()) {
            PartitionLog.Fetch fetch;
            try {
                fetch = partition.read(next, MAX_COMMIT_BYTES + (1 << 20), previous);
            } catch (CorruptRecordException e) {
                throw new StorageException(log.directory().resolve(TOPIC + "-0").toString(),
                        "read transaction decisions after offset " + next, e);
            }
            for (ConsumerRecord r : fetch.records()) {
                decodeInto(r, epochs, pending);
            }
            previous = fetch;
            next = fetch.nextOffset();
        }
        return new State(epochs, new ArrayList<>(pending.values()));
    }

    private static void decodeInto(ConsumerRecord r, Map<String, Integer> epochs, Map<String, Commit> pending) {
        String id = new String(r.key(), StandardCharsets.UTF_8);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(r.value()))) {
            byte type = in.readByte();
            int epoch = in.readInt();
            epochs.merge(id, epoch, Math::max);
            switch (type) {
                case INIT -> {
                }
                case COMMIT -> {
                    Commit c = decodeCommit(id, epoch, in);
                    pending.put(c.marker(), c);
                }
                case COMPLETE -> pending.remove(id + "/" + epoch + "/" + in.readLong());
                default -> throw new IOException("unknown record type " + type);
            }
        } catch (IOException | RuntimeException e) {
            // A record that passed its checksum but does not decode was written by something else:
            // applying a guess could write wrong outputs, so opening stops here.
            throw new QueueException("unreadable transaction record at offset " + r.offset() + " of " + TOPIC
                    + " (transactional id " + id + "): " + e, e);
        }
    }

    private static Commit decodeCommit(String id, int epoch, DataInputStream in) throws IOException {
        long sequence = in.readLong();
        String groupId = readString(in);
        Map<TopicPartition, List<Long>> acks = new LinkedHashMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            TopicPartition tp = readPartition(in);
            acks.computeIfAbsent(tp, k -> new ArrayList<>()).add(in.readLong());
        }
        List<Output> outputs = new ArrayList<>();
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            TopicPartition tp = readPartition(in);
            long timestamp = in.readLong();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            int h = in.readInt();
            List<Header> headers = new ArrayList<>(h);
            for (int j = 0; j < h; j++) {
                headers.add(new Header(readString(in), readBytes(in)));
            }
            outputs.add(new Output(tp, timestamp, key, value, headers));
        }
        Map<TopicPartition, Long> from = new LinkedHashMap<>();
        n = in.readInt();
        for (int i = 0; i < n; i++) {
            from.put(readPartition(in), in.readLong());
        }
        return new Commit(id, epoch, sequence, groupId.isEmpty() ? null : groupId, acks, outputs, from);
    }

    /** Records that a producer took {@code transactionalId} over with {@code epoch}; returns once written. */
    void writeInit(String transactionalId, int epoch) {
        write(transactionalId, out -> {
            out.writeByte(INIT);
            out.writeInt(epoch);
        });
    }

    /** The commit point: returns once the decision is written under the topic's fsync policy. */
    void writeCommit(Commit c) {
        write(c.transactionalId(), out -> {
            out.writeByte(COMMIT);
            out.writeInt(c.epoch());
            out.writeLong(c.sequence());
            writeString(out, c.groupId() == null ? "" : c.groupId());
            out.writeInt(c.acks().values().stream().mapToInt(List::size).sum());
            for (Map.Entry<TopicPartition, List<Long>> e : c.acks().entrySet()) {
                for (long offset : e.getValue()) {
                    writePartition(out, e.getKey());
                    out.writeLong(offset);
                }
            }
            out.writeInt(c.outputs().size());
            for (Output o : c.outputs()) {
                writePartition(out, o.topicPartition());
                out.writeLong(o.timestamp());
                writeBytes(out, o.key());
                writeBytes(out, o.value());
                out.writeInt(o.headers().size());
                for (Header h : o.headers()) {
                    writeString(out, h.key());
                    writeBytes(out, h.value());
                }
            }
            out.writeInt(c.fromOffsets().size());
            for (Map.Entry<TopicPartition, Long> e : c.fromOffsets().entrySet()) {
                writePartition(out, e.getKey());
                out.writeLong(e.getValue());
            }
        });
    }

    void writeComplete(Commit c) {
        write(c.transactionalId(), out -> {
            out.writeByte(COMPLETE);
            out.writeInt(c.epoch());
            out.writeLong(c.sequence());
        });
    }

    /** Bytes an output takes in a COMMIT record, near enough to cap a transaction's size. */
    static long encodedSize(Output o) {
        long size = 64 + o.topicPartition().topic().length() * 3L + length(o.key()) + length(o.value());
        for (Header h : o.headers()) {
            size += 8 + h.key().length() * 3L + length(h.value());
        }
        return size;
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }

    /**
     * Called with no commit pending: once the log is past its threshold, writes every epoch again
     * and deletes the segments before that snapshot, which hold nothing it does not.
     */
    void snapshotIfLarge(Map<String, Integer> epochs) {
        if (partition == null || partition.sizeInBytes() <= SNAPSHOT_AFTER_BYTES) {
            return;
        }
        long snapshotStart = partition.endOffset();
        epochs.forEach(this::writeInit);
        partition.drain();
        partition.flush();
        int deleted = partition.deleteSegmentsBefore(snapshotStart);
        LOG.info("snapshot of {} transactional ids written to {}; {} older segments deleted", epochs.size(), TOPIC,
                deleted);
    }

    private interface Encoder {
        void encode(DataOutputStream out) throws IOException;
    }

    private void write(String transactionalId, Encoder encoder) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            encoder.encode(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            // Forced, whatever internal.fsync says: a decision must outlive a power loss as long as
            // the outputs it made visible do. One force per transaction.
            partition().append(log.clock().millis(), transactionalId.getBytes(StandardCharsets.UTF_8),
                    bytes.toByteArray(), List.of(), true).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof QueueException q ? q : e;
        }
    }

    private static void writePartition(DataOutputStream out, TopicPartition tp) throws IOException {
        writeString(out, tp.topic());
        out.writeInt(tp.partition());
    }

    private static TopicPartition readPartition(DataInputStream in) throws IOException {
        return new TopicPartition(readString(in), in.readInt());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        if (b == null) {
            throw new IOException("a string field is null");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > in.available()) {
            throw new IOException("field length " + n + " with " + in.available() + " bytes left");
        }
        return n == -1 ? null : in.readNBytes(n);
    }
}
