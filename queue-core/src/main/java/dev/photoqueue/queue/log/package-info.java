/**
 * The in-house storage engine: a disk-backed, partitioned, append-only log, embedded in the
 * process that uses it. It knows nothing of consumer groups; the layers above reach it through
 * {@link dev.photoqueue.queue.log.LogManager}, {@link dev.photoqueue.queue.log.TopicLog} and
 * {@link dev.photoqueue.queue.log.PartitionLog}.
 *
 * <h2>Write path</h2>
 * A send encodes its record into the partition's open {@code BatchBuilder} (a direct buffer of
 * {@code batch.bytes}) under the partition's append lock and returns a future. The first record
 * of a batch schedules the partition on the {@code LogWriter} thread, which swaps the open batch
 * for a spare, stamps the base offset and CRC32C, and writes it with one positional write. While
 * it writes, senders fill the other buffer: that is the group commit. Offsets are assigned at
 * write time, so a batch that fails to reach the file consumes none. After the write (and the
 * force, under {@code fsync=always}) the partition publishes its new high watermark, wakes
 * readers through {@link dev.photoqueue.queue.log.DataSignal} and completes the futures. All of
 * this is {@code GroupCommit}'s; the segment list and rolls are {@code PartitionSegments}'.
 *
 * <h2>Read path</h2>
 * Reads take no lock. They find the segment by base offset in a skip-list map, the starting
 * position in its offset index (or the position the previous read ended at), and walk batches
 * with {@code BatchScanner}, which checks length, CRC and offset sequence of each batch before
 * anything is decoded. A read never passes the high watermark's byte position. Consumers bound
 * their reads by record count as well as bytes ({@code max.poll.records}): every record read is
 * decoded into objects at once, and a fetch much larger than a poll would be out of the CPU's
 * cache before the consumer reached its end. All of this is {@code PartitionReader}'s.
 *
 * <h2>Recovery</h2>
 * See {@code PartitionLoader} and, within a segment, {@code SegmentRecovery}: without a
 * clean-shutdown marker, every segment from the recovery point on is checked batch by batch and
 * cut after its last valid batch; indexes are rebuilt. The rule that makes this enough: a byte is
 * counted (high watermark, recovery point) only after the write or force that puts it on disk,
 * and every metadata file is replaced by temp file + rename.
 *
 * <h2>Threads</h2>
 * Per data directory: the writer thread, and one scheduler thread for periodic forcing,
 * retention and delayed closing of deleted segments. Send futures complete on the writer thread.
 */
package dev.photoqueue.queue.log;
