package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.TopicConfigs;

import java.nio.file.Path;
import java.util.List;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cleanly closed log of one partition over a few segments, kept pristine, from which each test
 * case takes a fresh copy to damage and reopen.
 */
final class DamageFixture {

    static final String TOPIC = "damaged";

    private final Path root;
    private final Path pristine;
    private final List<Rec> written;
    private final List<Path> segmentNames;

    private DamageFixture(Path root, Path pristine, List<Rec> written, List<Path> segmentNames) {
        this.root = root;
        this.pristine = pristine;
        this.written = written;
        this.segmentNames = segmentNames;
    }

    /**
     * Writes at least {@code segments} segments of 1024 bytes at most, the last with at least
     * {@code minBatchesInLast} batches (see {@link SegmentWriter#fill}).
     */
    static DamageFixture write(Path root, long seed, int segments, int minBatchesInLast) {
        Path pristine = root.resolve("pristine");
        SegmentWriter writer = new SegmentWriter(seed);
        try (LogManager manager = LogManager.open(pristine)) {
            PartitionLog log = manager.createTopic(TOPIC, 1, settings(TopicConfigs.SEGMENT_BYTES, "1024",
                    LogConfig.INDEX_INTERVAL_BYTES, "100")).partition(0);
            writer.fill(log, segments, minBatchesInLast);
        }
        List<Path> files = segmentFiles(partitionDir(pristine, TOPIC, 0));
        assertTrue(files.size() >= segments, files.size() + " segment files, " + segments + " asked for");
        return new DamageFixture(root, pristine, List.copyOf(writer.written()),
                files.stream().map(Path::getFileName).toList());
    }

    List<Rec> written() {
        return written;
    }

    int segmentCount() {
        return segmentNames.size();
    }

    long baseOffset(int segment) {
        return baseOffsetOf(segmentNames.get(segment));
    }

    /** The batches of segment {@code segment} as written. */
    List<BatchInfo> batches(int segment) {
        return LogTestSupport.batches(partitionDir(pristine, TOPIC, 0).resolve(segmentNames.get(segment)));
    }

    /** A fresh copy of the pristine data directory, with or without its clean-shutdown marker. */
    Path copy(boolean keepMarker) {
        Path dataDir = root.resolve("case");
        deleteTree(dataDir);
        copyTree(pristine, dataDir);
        if (!keepMarker) {
            deleteCleanShutdownMarker(dataDir);
        }
        return dataDir;
    }

    Path segment(Path dataDir, int segment) {
        return partitionDir(dataDir, TOPIC, 0).resolve(segmentNames.get(segment));
    }

    /** The batch of segment {@code segment} holding byte {@code position}. */
    BatchInfo batchAt(int segment, long position) {
        for (BatchInfo batch : batches(segment)) {
            if (position < batch.end()) {
                return batch;
            }
        }
        throw new AssertionError("byte " + position + " is past the end of segment " + segment);
    }
}
