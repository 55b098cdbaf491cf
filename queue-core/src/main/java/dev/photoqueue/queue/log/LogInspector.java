package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.CorruptRecordException;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.UnknownPartitionException;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.queue.env.FileHandle;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.queue.env.OpenMode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Walks a topic's segment files and checks every batch (length, CRC32C, offset sequence, record
 * structure) without opening the log.
 *
 * <p>Guarantee: it opens files for reading only and creates, changes or locks nothing, so it runs
 * while another process owns the data directory, and it never triggers recovery. What it sees of a
 * partition that is being written is a prefix: an incomplete batch at the very end of a partition's
 * last segment is a write in progress (or a torn write the owner's next open cuts off) and is
 * reported as a warning, not as corruption. Every other failed check is corruption.
 *
 * <p>Immutable after {@link #open}, so thread-safe; a walk runs on the caller's thread and reports
 * through a {@link Visitor} as it goes, so memory stays at one batch however large the topic is.
 */
public final class LogInspector {

    private static final int SCAN_BUFFER_BYTES = 1 << 20;

    /** Receives what a walk finds, in partition order and, within a partition, in offset order. */
    public interface Visitor {

        void record(ConsumerRecord record);

        /** A batch failed its checks; the rest of its segment is skipped and the walk goes on. */
        void corruption(CorruptRecordException problem);

        /** Something odd that is not corruption: a foreign file, a write in progress, a missing directory. */
        void warning(String message);
    }

    /** What a walk covered and how much of it was wrong. */
    public record Summary(int partitions, int segments, long batches, long records, int corruptions, int warnings) {
    }

    private final String topic;
    private final Path topicDir;
    private final int partitionCount;
    private final int maxBatchBytes;

    private LogInspector(String topic, Path topicDir, int partitionCount, int maxBatchBytes) {
        this.topic = topic;
        this.topicDir = topicDir;
        this.partitionCount = partitionCount;
        this.maxBatchBytes = maxBatchBytes;
    }

    /**
     * Reads the topic's {@code topic.properties}. {@link UnknownTopicException} when the topic has
     * none; {@link InvalidConfigException} when it does not parse.
     */
    public static LogInspector open(Path dataDir, String topic) {
        TopicDirectories.validateName(topic);
        Path topicDir = dataDir.resolve(topic);
        requireTopicSettings(topic, topicDir);
        TopicDirectories.TopicSettings settings = TopicDirectories.readSettings(FileIO.local(), topicDir);
        // Only what the file overrides is known here; the owner's defaults may differ. The batch
        // limit only guards against a flipped length field, so the stock default is good enough.
        int maxBatchBytes = LogConfig.DEFAULTS.with(settings.overrides()).maxBatchBytes();
        return new LogInspector(topic, topicDir, settings.partitions(), maxBatchBytes);
    }

    /**
     * Whether the topic has its settings file, telling a topic that is not there (no directory, or
     * one without {@code topic.properties}: {@link UnknownTopicException}) from one that cannot be
     * read (a file where its directory should be, no permission: {@link StorageException} naming the
     * path and the cause). {@link Files#isRegularFile} says false to all of them alike.
     */
    private static void requireTopicSettings(String topic, Path topicDir) {
        if (!isDirectory(topicDir, "topic directory")) {
            throw new UnknownTopicException(topic);
        }
        Path properties = topicDir.resolve(LogFiles.TOPIC_PROPERTIES);
        try {
            if (!Files.readAttributes(properties, BasicFileAttributes.class).isRegularFile()) {
                throw new StorageException(properties.toString(), "read topic settings", "it is not a regular file",
                        new NoSuchFileException(properties.toString()));
            }
        } catch (NoSuchFileException e) {
            throw new UnknownTopicException(topic);
        } catch (IOException e) {
            throw new StorageException(properties.toString(), "read topic settings", e);
        }
    }

    /**
     * Whether {@code dir} (the {@code what}, for the message) is a directory: false when nothing is
     * there, {@link StorageException} naming it and the cause when it is a file or cannot be looked at.
     */
    private static boolean isDirectory(Path dir, String what) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new StorageException(dir.toString(), "read " + what, e);
        }
        if (!attributes.isDirectory()) {
            throw new StorageException(dir.toString(), "read " + what, "it is a file, not a directory",
                    new NotDirectoryException(dir.toString()));
        }
        return true;
    }

    public String topic() {
        return topic;
    }

    public int partitionCount() {
        return partitionCount;
    }

    /** Walks every partition. */
    public Summary inspectAll(Visitor visitor) {
        Counts counts = new Counts();
        for (int p = 0; p < partitionCount; p++) {
            inspectPartition(p, visitor, counts);
        }
        return counts.summary(partitionCount);
    }

    /** Walks one partition; {@link UnknownPartitionException} when it is outside 0..count-1. */
    public Summary inspect(int partition, Visitor visitor) {
        if (partition < 0 || partition >= partitionCount) {
            throw new UnknownPartitionException(topic, partition, partitionCount);
        }
        Counts counts = new Counts();
        inspectPartition(partition, visitor, counts);
        return counts.summary(1);
    }

    /** Running totals of one walk; the visitor's calls are counted here too. */
    private static final class Counts {
        int segments;
        long batches;
        long records;
        int corruptions;
        int warnings;

        Summary summary(int partitions) {
            return new Summary(partitions, segments, batches, records, corruptions, warnings);
        }
    }

    private void inspectPartition(int partition, Visitor visitor, Counts counts) {
        Path dir = topicDir.resolve(Integer.toString(partition));
        if (!isDirectory(dir, "partition directory")) {
            warn(visitor, counts, "partition directory " + dir + " is missing; the log would start it empty");
            return;
        }
        TreeMap<Long, Path> segments = listSegments(dir, visitor, counts);
        long expected = -1;
        for (Map.Entry<Long, Path> e : segments.entrySet()) {
            long base = e.getKey();
            Path file = e.getValue();
            boolean last = base == segments.lastKey();
            if (expected >= 0 && base != expected) {
                corrupt(visitor, counts, new CorruptRecordException(file.toString(), 0, expected,
                        "segment starts at offset " + base + " but the segment before it ends at offset " + expected));
            }
            counts.segments++;
            expected = inspectSegment(partition, base, file, last, visitor, counts);
        }
    }

    /** Sorted segment files; every name that is not the log's own is reported once. */
    private static TreeMap<Long, Path> listSegments(Path dir, Visitor visitor, Counts counts) {
        TreeMap<Long, Path> segments = new TreeMap<>();
        List<String> foreign = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                long base = LogFiles.parseBaseOffset(name, LogFiles.LOG_SUFFIX);
                if (base >= 0) {
                    segments.put(base, file);
                } else if (!isOwnFile(name)) {
                    foreign.add(name);
                }
            }
        } catch (IOException e) {
            throw new StorageException(dir.toString(), "list partition directory", e);
        }
        foreign.sort(null);
        for (String name : foreign) {
            warn(visitor, counts, "foreign file " + dir.resolve(name) + " in partition directory: not a segment, "
                    + "index or checkpoint of this log; ignored");
        }
        return segments;
    }

    private static boolean isOwnFile(String name) {
        return LogFiles.parseBaseOffset(name, LogFiles.INDEX_SUFFIX) >= 0
                || LogFiles.parseBaseOffset(name, LogFiles.TIME_INDEX_SUFFIX) >= 0
                || name.equals(LogFiles.RECOVERY_POINT)
                || name.equals(LogFiles.RECOVERY_POINT + LogFiles.TEMP_SUFFIX);
    }

    /** Checks one segment file; returns the offset after its last valid batch, or -1 when it is corrupt. */
    private long inspectSegment(int partition, long base, Path file, boolean last, Visitor visitor, Counts counts) {
        try (FileHandle channel = FileIO.local().open(file, OpenMode.READ)) {
            long size = channel.size();
            BatchScanner scanner = new BatchScanner(channel, 0, size, SCAN_BUFFER_BYTES, maxBatchBytes);
            long expected = base;
            RecordBatch batch;
            while ((batch = scanner.next(expected)) != null) {
                if (!emitRecords(batch, partition, scanner.position(), file, visitor, counts)) {
                    return -1;
                }
                counts.batches++;
                expected = batch.lastOffset() + 1;
            }
            if (scanner.stopReason() == null) {
                return expected;
            }
            long at = scanner.stopPosition();
            if (last && isIncompleteTail(channel, at, size)) {
                warn(visitor, counts, file + " ends with an incomplete batch of " + (size - at) + " bytes at byte "
                        + at + " (offset " + expected + "): a write in progress, or a torn write the next open "
                        + "of the log cuts off");
                return expected;
            }
            corrupt(visitor, counts, new CorruptRecordException(file.toString(), at, expected, scanner.stopReason()));
            return -1;
        } catch (NoSuchFileException e) {
            // Gone from the directory since it was listed: retention deleted it. Still listed, it is a
            // symbolic link that leads nowhere, a file missing from the log rather than one retired.
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new StorageException(file.toString(), "read segment", e);
            }
            warn(visitor, counts, "segment " + file + " was deleted while being read (retention)");
            return -1;
        } catch (IOException e) {
            throw new StorageException(file.toString(), "read segment", e);
        }
    }

    private boolean emitRecords(RecordBatch batch, int partition, long position, Path file, Visitor visitor,
                                Counts counts) {
        List<ConsumerRecord> records = new ArrayList<>(batch.recordCount());
        try {
            batch.decode(topic, partition, Long.MIN_VALUE, records);
        } catch (IllegalStateException e) {
            corrupt(visitor, counts, new CorruptRecordException(file.toString(), position, batch.baseOffset(),
                    e.getMessage()));
            return false;
        }
        for (ConsumerRecord r : records) {
            counts.records++;
            visitor.record(r);
        }
        return true;
    }

    /**
     * True when the bytes from {@code position} to the end are the start of a plausible batch that
     * has not been written whole yet: too short for a header, or a sane length reaching past the end.
     */
    private boolean isIncompleteTail(FileHandle channel, long position, long size) throws IOException {
        long left = size - position;
        if (left < RecordBatches.LOG_OVERHEAD) {
            return true;
        }
        ByteBuffer header = ByteBuffer.allocate(RecordBatches.LOG_OVERHEAD);
        while (header.hasRemaining()) {
            if (channel.read(header, position + header.position()) < 0) {
                return true;
            }
        }
        long batchSize = RecordBatches.LOG_OVERHEAD + (long) header.getInt(RecordBatches.LENGTH_POS);
        return batchSize > left && batchSize >= RecordBatches.HEADER_SIZE && batchSize <= maxBatchBytes;
    }

    private static void warn(Visitor visitor, Counts counts, String message) {
        counts.warnings++;
        visitor.warning(message);
    }

    private static void corrupt(Visitor visitor, Counts counts, CorruptRecordException problem) {
        counts.corruptions++;
        visitor.corruption(problem);
    }
}
