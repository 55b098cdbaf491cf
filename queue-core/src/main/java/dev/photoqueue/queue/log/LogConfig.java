package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.FsyncPolicy;
import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.TopicConfigs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A topic's storage settings, parsed and range-checked. Built from string settings (those of
 * {@link TopicConfigs}) over defaults; {@link #toMap} gives them back for the topic's properties file.
 *
 * @param fsync              when appended bytes are forced to disk
 * @param flushMs            with {@code INTERVAL}: force at least this often
 * @param flushMessages      with {@code INTERVAL}: also force after this many unforced records; Long.MAX_VALUE is off
 * @param segmentBytes       roll the active segment before it would pass this size
 * @param segmentMs          roll the active segment once it is this old
 * @param retentionMs        delete sealed segments whose newest record is older; -1 keeps them
 * @param retentionBytes     delete the oldest sealed segments while the partition is larger; -1 is no limit
 * @param maxRecordBytes     the largest encoded record accepted
 * @param indexIntervalBytes log bytes between two offset index entries
 * @param maxIndexBytes      the preallocated size of an active segment's index; a full index rolls the segment
 * @param batchBytes         the size of a partition's append buffer: the largest group-committed batch
 * @param maxBacklogRecords  per partition: the most records the slowest group may have left before producers wait; -1 is no limit
 * @param maxBacklogBytes    per partition: the same in log bytes; -1 is no limit
 */
public record LogConfig(FsyncPolicy fsync, long flushMs, long flushMessages, int segmentBytes, long segmentMs,
                        long retentionMs, long retentionBytes, int maxRecordBytes, int indexIntervalBytes,
                        int maxIndexBytes, int batchBytes, long maxBacklogRecords, long maxBacklogBytes) {

    static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    static final String MAX_INDEX_BYTES = "segment.index.bytes";
    static final String BATCH_BYTES = "batch.bytes";

    public static final LogConfig DEFAULTS = new LogConfig(FsyncPolicy.INTERVAL, 50, Long.MAX_VALUE,
            1 << 30, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1, 10 << 20, 4096, 2 << 20, 256 << 10, -1, -1);

    public LogConfig {
        require(TopicConfigs.FLUSH_MS, flushMs, flushMs >= 1, "must be >= 1");
        require(TopicConfigs.FLUSH_MESSAGES, flushMessages, flushMessages >= 1, "must be >= 1");
        require(TopicConfigs.SEGMENT_BYTES, segmentBytes, segmentBytes >= 1024, "must be >= 1024");
        require(TopicConfigs.SEGMENT_MS, segmentMs, segmentMs >= 1, "must be >= 1");
        require(TopicConfigs.RETENTION_MS, retentionMs, retentionMs >= -1, "must be >= 0, or -1 to keep everything");
        require(TopicConfigs.RETENTION_BYTES, retentionBytes, retentionBytes >= -1, "must be >= 0, or -1 for no limit");
        require(TopicConfigs.MAX_RECORD_BYTES, maxRecordBytes, maxRecordBytes >= 64, "must be >= 64");
        require(INDEX_INTERVAL_BYTES, indexIntervalBytes, indexIntervalBytes >= 1, "must be >= 1");
        require(MAX_INDEX_BYTES, maxIndexBytes, maxIndexBytes >= 128, "must be >= 128");
        require(BATCH_BYTES, batchBytes, batchBytes >= 1024, "must be >= 1024");
        require(TopicConfigs.MAX_BACKLOG_RECORDS, maxBacklogRecords, maxBacklogRecords >= 1 || maxBacklogRecords == -1,
                "must be >= 1, or -1 for no limit");
        require(TopicConfigs.MAX_BACKLOG_BYTES, maxBacklogBytes, maxBacklogBytes >= 1 || maxBacklogBytes == -1,
                "must be >= 1, or -1 for no limit");
    }

    private static void require(String key, long value, boolean ok, String rule) {
        if (!ok) {
            throw new InvalidConfigException(key, String.valueOf(value), rule);
        }
    }

    /**
     * These settings with {@code overrides} applied; unknown keys are rejected by name. Every value
     * is read from its string form (this config's {@link #toMap} under the overrides), so a
     * setting has one parser whichever way it comes in.
     */
    public LogConfig with(Map<String, String> overrides) {
        Map<String, String> merged = toMap();
        overrides.forEach((key, value) -> {
            if (!merged.containsKey(key)) {
                throw new InvalidConfigException(key, value, "unknown topic setting; known: "
                        + String.join(", ", merged.keySet()));
            }
            merged.put(key, value);
        });
        return new LogConfig(FsyncPolicy.parse(merged.get(TopicConfigs.FSYNC)),
                parseLong(merged, TopicConfigs.FLUSH_MS), parseLong(merged, TopicConfigs.FLUSH_MESSAGES),
                parseInt(merged, TopicConfigs.SEGMENT_BYTES), parseLong(merged, TopicConfigs.SEGMENT_MS),
                parseLong(merged, TopicConfigs.RETENTION_MS), parseLong(merged, TopicConfigs.RETENTION_BYTES),
                parseInt(merged, TopicConfigs.MAX_RECORD_BYTES), parseInt(merged, INDEX_INTERVAL_BYTES),
                parseInt(merged, MAX_INDEX_BYTES), parseInt(merged, BATCH_BYTES),
                parseLong(merged, TopicConfigs.MAX_BACKLOG_RECORDS), parseLong(merged, TopicConfigs.MAX_BACKLOG_BYTES));
    }

    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(TopicConfigs.FSYNC, fsync.configValue());
        map.put(TopicConfigs.FLUSH_MS, String.valueOf(flushMs));
        map.put(TopicConfigs.FLUSH_MESSAGES, String.valueOf(flushMessages));
        map.put(TopicConfigs.SEGMENT_BYTES, String.valueOf(segmentBytes));
        map.put(TopicConfigs.SEGMENT_MS, String.valueOf(segmentMs));
        map.put(TopicConfigs.RETENTION_MS, String.valueOf(retentionMs));
        map.put(TopicConfigs.RETENTION_BYTES, String.valueOf(retentionBytes));
        map.put(TopicConfigs.MAX_RECORD_BYTES, String.valueOf(maxRecordBytes));
        map.put(INDEX_INTERVAL_BYTES, String.valueOf(indexIntervalBytes));
        map.put(MAX_INDEX_BYTES, String.valueOf(maxIndexBytes));
        map.put(BATCH_BYTES, String.valueOf(batchBytes));
        map.put(TopicConfigs.MAX_BACKLOG_RECORDS, String.valueOf(maxBacklogRecords));
        map.put(TopicConfigs.MAX_BACKLOG_BYTES, String.valueOf(maxBacklogBytes));
        return map;
    }

    /** Whether either backlog limit is set: producers check the backlog only then. */
    public boolean limitsBacklog() {
        return maxBacklogRecords >= 0 || maxBacklogBytes >= 0;
    }

    /** The largest batch: a full append buffer, or a single record of the maximum size. */
    int maxBatchBytes() {
        return Math.max(batchBytes, maxRecordBytes + RecordBatches.HEADER_SIZE);
    }

    private static long parseLong(Map<String, String> settings, String key) {
        String value = settings.get(key);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, value, "not a whole number");
        }
    }

    private static int parseInt(Map<String, String> settings, String key) {
        long parsed = parseLong(settings, key);
        if (parsed > Integer.MAX_VALUE || parsed < Integer.MIN_VALUE) {
            throw new InvalidConfigException(key, settings.get(key), "must be at most " + Integer.MAX_VALUE);
        }
        return (int) parsed;
    }
}
