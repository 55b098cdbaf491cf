package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.PartitionOfflineException;
import dev.photoqueue.queue.api.QueueClosedException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicPartition;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One partition: an append-only sequence of records numbered by offset, stored as segments in one
 * directory.
 *
 * <p>Guarantees: offsets are contiguous and assigned in the order records are written; a record is
 * visible to readers only once it is below the <em>high watermark</em>, which moves after the
 * batch is written to the file (and, with {@code fsync=always}, forced to disk); a send's future
 * completes at the same moment, so what a producer saw acknowledged is what readers see and what
 * a restart finds. A storage failure that leaves the files' state unknown takes the partition
 * {@link #offline} until it is reopened.
 *
 * <p>The roles behind it, each with its own guarantees: {@link GroupCommit} (appends, batch
 * writes and forces), {@link PartitionReader} (fetches and lookups by time),
 * {@link SegmentRetention} (deleting old segments) and {@link PartitionSegments} (the segment
 * list, rolls and the state they share).
 *
 * <p>Thread-safe. Appends from many threads are group-committed: each encodes its record into the
 * open batch under a short lock, and the log's writer thread (or a sender whose batch is full)
 * writes the whole batch with one system call. Reads take no lock.
 */
public final class PartitionLog {

    /**
     * The outcome of a read: records in offset order, the offset to read next, and where in the
     * file that is, so the next {@link #read(long, int, Fetch)} can skip the index lookup.
     */
    public record Fetch(List<ConsumerRecord> records, long nextOffset, long segmentBaseOffset, long nextPosition) {
    }

    private final TopicPartition topicPartition;
    private final LogConfig config;
    private final PartitionSegments segments;
    private final GroupCommit commit;
    private final PartitionReader reader;
    private final SegmentRetention retention;

    PartitionLog(TopicPartition topicPartition, Path dir, LogConfig config, LogContext context,
                 ConcurrentSkipListMap<Long, LogSegment> segments, long recoveredEndOffset) {
        this.topicPartition = topicPartition;
        this.config = config;
        this.segments = new PartitionSegments(topicPartition, dir, config, context, segments, recoveredEndOffset);
        this.commit = new GroupCommit(config, context, this.segments, recoveredEndOffset);
        this.reader = new PartitionReader(config, this.segments);
        this.retention = new SegmentRetention(config, context, this.segments);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public LogConfig config() {
        return config;
    }

    /** The first offset still stored (retention moves it forward). */
    public long startOffset() {
        return segments.startOffset();
    }

    /** The high watermark: the offset the next acknowledged record gets. */
    public long endOffset() {
        return segments.highWatermark().offset();
    }

    public long sizeInBytes() {
        return segments.sizeInBytes();
    }

    /**
     * About how many log bytes hold the records from {@code offset} to the end: 0 at or past the
     * end offset, the whole partition before its start. Found through the offset index, so it may
     * count up to {@code index.interval.bytes} (plus one batch) more than exactly; it reads no file.
     * Cheap enough to call on every send of a topic with a backlog limit. Thread-safe.
     */
    public long bytesFrom(long offset) {
        return segments.bytesFrom(offset);
    }

    public int segmentCount() {
        return segments.count();
    }

    /** {@link RecordTooLargeException} when a record of these parts is over {@code max.record.bytes}, as append checks. */
    public void checkRecordSize(byte[] key, byte[] value, List<Header> headers) {
        int recordSize = RecordBatches.recordSize(key, value, headers);
        if (recordSize > config.maxRecordBytes()) {
            throw new RecordTooLargeException(topicPartition.topic(), recordSize, config.maxRecordBytes());
        }
    }

    /**
     * Appends one record. Fails fast (in the future) with {@link RecordTooLargeException} when the
     * record is over {@code max.record.bytes}, and with {@link QueueClosedException} once closed.
     * The future completes on the log's writer thread: keep callbacks short.
     */
    public CompletableFuture<RecordMetadata> append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        return commit.append(timestamp, key, value, headers, false);
    }

    /**
     * As {@link #append(long, byte[], byte[], List)}; with {@code force}, the record is acknowledged,
     * and readable, only once its batch is forced to disk, as under {@code fsync=always}, whatever
     * the topic's policy: for the writes a queue's own state depends on (positions, transaction
     * decisions, dead letters) in a topic that others append to lazily.
     */
    public CompletableFuture<RecordMetadata> append(long timestamp, byte[] key, byte[] value, List<Header> headers,
                                                    boolean force) {
        return commit.append(timestamp, key, value, headers, force);
    }

    /**
     * Writes the open batch now, if any: every send made before this call has completed when it
     * returns. Called by the writer thread, by senders whose batch is full, by flush and by close.
     */
    public void drain() {
        commit.drain();
    }

    /**
     * Forces what has been written to disk. Runs on the scheduler ({@code fsync=interval}) or on
     * demand. A failed force takes the partition offline and is not retried: after one, the OS may
     * have dropped the pages it could not write, so a later force that succeeds proves nothing.
     */
    public void flush() {
        commit.flush();
    }

    /** {@link #flush} for the scheduler: a failure is already logged by going offline. */
    void flushQuietly() {
        commit.flushQuietly();
    }

    /** Every offset below this is forced to disk. */
    public long flushedOffset() {
        return segments.flushedOffset();
    }

    /** Null while the partition takes writes; the reason it stopped once it went offline. */
    public PartitionOfflineException offline() {
        return segments.offline();
    }

    /** Reads from {@code offset}; see {@link #read(long, int, int, Fetch)}. */
    public Fetch read(long offset, int maxBytes) {
        return reader.read(offset, maxBytes, Integer.MAX_VALUE, null);
    }

    /** Reads from {@code offset}, bounded by bytes only; see {@link #read(long, int, int, Fetch)}. */
    public Fetch read(long offset, int maxBytes, Fetch previous) {
        return reader.read(offset, maxBytes, Integer.MAX_VALUE, previous);
    }

    /**
     * Reads records from {@code offset} on, whole batches until about {@code maxBytes} worth or at
     * least {@code maxRecords} records are read (at least one batch when there is one), never past
     * the high watermark. An empty fetch at the end offset; an {@link OffsetOutOfRangeException}
     * before the start or past the end. {@code previous}, when it ended at {@code offset}, lets the
     * read resume at the remembered file position. A consumer that hands out a few hundred records
     * at a time should bound the records too: every record read is decoded into objects at once,
     * and a fetch that far outgrows what it hands out next is no longer in the CPU's cache when the
     * caller reaches its end.
     */
    public Fetch read(long offset, int maxBytes, int maxRecords, Fetch previous) {
        return reader.read(offset, maxBytes, maxRecords, previous);
    }

    /** The first record at or after {@code timestamp} (epoch millis), or null when all are older. */
    public OffsetAndTimestamp offsetForTimestamp(long timestamp) {
        return reader.offsetForTimestamp(timestamp);
    }

    /**
     * Applies retention: deletes whole sealed segments whose newest record is older than
     * {@code retention.ms}, then the oldest while the partition would stay at or above
     * {@code retention.bytes} without them. The active segment is never deleted.
     *
     * @return how many segments were deleted
     */
    public int applyRetention() {
        return retention.apply();
    }

    /**
     * Deletes the sealed segments that hold only offsets below {@code offset}, for a log whose
     * owner knows those records are superseded (Kafka's deleteRecords, by whole segments).
     *
     * @return how many segments were deleted
     */
    public int deleteSegmentsBefore(long offset) {
        return retention.deleteBefore(offset);
    }

    /**
     * Writes what is pending, forces everything to disk, trims the indexes and records the recovery
     * point. Sends after this fail with {@link QueueClosedException}. An offline partition only
     * closes its files and throws its {@link PartitionOfflineException}: it writes no recovery
     * point, so that the next open checks everything after the last one it trusted.
     *
     * @return empty once the recovery point is written; else why it was not (a full disk): the
     *         records are forced all the same, and the next open checks them from the older one
     */
    public Optional<StorageException> close() {
        return commit.close();
    }

    @Override
    public String toString() {
        return "PartitionLog[" + topicPartition + ", " + startOffset() + ".." + endOffset() + "]";
    }
}
