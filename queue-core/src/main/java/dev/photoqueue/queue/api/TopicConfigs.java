package dev.photoqueue.queue.api;

/**
 * Names of per-topic settings, given in {@link NewTopic#configs()}. The Kafka backend maps them to
 * Kafka's own names where they differ; {@link #FSYNC} is the in-house log's durability policy.
 */
public final class TopicConfigs {

    /** {@code always}, {@code interval} (default) or {@code never}; see {@link FsyncPolicy}. */
    public static final String FSYNC = "fsync";
    /** With {@code fsync=interval}: force at least this often, in milliseconds (default 50). */
    public static final String FLUSH_MS = "flush.ms";
    /** With {@code fsync=interval}: also force after this many unforced records (default: off). */
    public static final String FLUSH_MESSAGES = "flush.messages";
    /** Roll to a new segment file at this size in bytes (default 1 GiB). */
    public static final String SEGMENT_BYTES = "segment.bytes";
    /** Roll to a new segment file when the active one is this old, in milliseconds (default 7 days). */
    public static final String SEGMENT_MS = "segment.ms";
    /** Delete whole segments whose newest record is older than this, in milliseconds (default 7 days; -1 keeps all). */
    public static final String RETENTION_MS = "retention.ms";
    /** Delete the oldest whole segments while a partition is larger than this, in bytes (default -1: no limit). */
    public static final String RETENTION_BYTES = "retention.bytes";
    /** The largest record accepted, encoded, in bytes (default 10 MiB). */
    public static final String MAX_RECORD_BYTES = "max.record.bytes";
    /**
     * Per partition: the most records its slowest consumer group may have left to consume before
     * producers are held back (default -1: no limit); see {@link BacklogFullException}.
     */
    public static final String MAX_BACKLOG_RECORDS = "max.backlog.records";
    /** Per partition: as {@link #MAX_BACKLOG_RECORDS}, in log bytes (default -1: no limit). */
    public static final String MAX_BACKLOG_BYTES = "max.backlog.bytes";

    private TopicConfigs() {
    }
}
