package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.testing.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The log on a file system that really fills up: a 4 MB tmpfs the test mounts (it needs root, or
 * CAP_SYS_ADMIN; elsewhere it is skipped, saying why). Sends fail with the kernel's "No space left
 * on device" once it is full; every acknowledged record stays readable and nothing half-written
 * ever is; once space is freed the partition takes writes again, and a reopen finds exactly the
 * acknowledged records.
 */
class FullDiskTest {

    private static final long FILE_SYSTEM_BYTES = 4L << 20;

    /** The indexes' mappings are released by the GC, not by close: the mount is busy until then. */
    @RegisterExtension
    static final SmallFileSystem disk = SmallFileSystem.ofBytes(FILE_SYSTEM_BYTES).unmountedLazily();

    @Test
    void anIndexEntryThatNeedsAPageOnAFullDiskFailsAsAStorageErrorNotAnErrorThatEndsTheWriter() throws Exception {
        Path mountPoint = disk.mountPoint();
        Path dir = Files.createDirectories(mountPoint.resolve("index"));
        OffsetIndex index = new OffsetIndex(dev.photoqueue.queue.env.FileIO.local(), dir.resolve("0.index"), 0,
                64 << 10, true);
        index.append(0, 0); // the first page is the file's now
        Path filler = mountPoint.resolve("index-filler");
        try {
            try {
                Files.write(filler, new byte[(int) FILE_SYSTEM_BYTES]);
            } catch (IOException expected) {
                // the disk is full: what fitted stays
            }
            int entriesPerPage = 4096 / OffsetIndex.ENTRY_SIZE;
            for (int i = 1; i < entriesPerPage; i++) {
                index.append(i, i * 100);
            }
            StorageException full = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class,
                    () -> index.append(entriesPerPage, entriesPerPage * 100));
            assertTrue(full.getMessage().contains("0.index"), full.getMessage());
            assertEquals(entriesPerPage, index.entries(), "the entry that failed is not counted");
        } finally {
            Files.deleteIfExists(filler);
        }
    }

    @Test
    void aFullDiskFailsSendsLeavesNothingHalfWrittenAndWritesResumeOnceThereIsRoom() throws Exception {
        Path mountPoint = disk.mountPoint();
        Path dataDir = mountPoint.resolve("queue");
        LogManager.Options options = LogTestSupport.options(Clock.systemUTC())
                .withDefaults(LogConfig.DEFAULTS.with(Map.of(LogConfig.MAX_INDEX_BYTES, "65536",
                        TopicConfigs.SEGMENT_BYTES, String.valueOf(1 << 20))));
        Path filler = mountPoint.resolve("filler");
        List<Long> acked = new ArrayList<>();
        byte[] value = new byte[4000];
        try (LogManager log = LogManager.open(dataDir, options)) {
            PartitionLog partition = log.createTopic("t", 1, Map.of(TopicConfigs.FSYNC, "always")).partition(0);
            // Most of the room goes to a file of someone else's; the log gets the rest.
            Files.write(filler, new byte[(int) (FILE_SYSTEM_BYTES - (1 << 20))]);
            Throwable failure = null;
            for (int i = 0; failure == null && i < 10_000; i++) {
                CompletableFuture<RecordMetadata> f = partition.append(1_000, null, value, List.of());
                try {
                    acked.add(f.get(30, TimeUnit.SECONDS).offset());
                } catch (ExecutionException e) {
                    failure = e.getCause();
                }
            }
            assertInstanceOf(StorageException.class, failure, "the disk filled up");
            assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
            assertNull(partition.offline(), "a write cut back cleanly leaves the partition writable");
            assertEquals(acked.size(), partition.endOffset(), "only acknowledged records are readable");
            assertEquals(acked.size(), LogTestSupport.readAll(partition, 0, 1 << 16).size());

            Files.delete(filler);
            assertEquals(acked.size(), LogTestSupport.await(partition.append(1_000, null, value, List.of())).offset(),
                    "with room again the next send takes the next offset");
            acked.add((long) acked.size());
        }
        try (LogManager reopened = LogManager.open(dataDir, options)) {
            PartitionLog partition = reopened.topic("t").partition(0);
            assertEquals(acked.size(), partition.endOffset(), "a reopen finds exactly the acknowledged records");
            assertEquals(acked.size(), LogTestSupport.readAll(partition, 0, 1 << 16).size());
        }
    }

    @Test
    void aLogOnlyReadOnAFullDiskClosesWithoutAnErrorAndReopensWithEveryRecord() throws Exception {
        Path mountPoint = disk.mountPoint();
        Path dataDir = mountPoint.resolve("read-only");
        LogManager.Options options = LogTestSupport.options(Clock.systemUTC())
                .withDefaults(LogConfig.DEFAULTS.with(Map.of(LogConfig.MAX_INDEX_BYTES, "65536")));
        try (LogManager log = LogManager.open(dataDir, options)) {
            TopicLog topic = log.createTopic("r", 2, Map.of(TopicConfigs.FSYNC, "always"));
            for (int i = 0; i < 5; i++) {
                LogTestSupport.await(topic.partition(i % 2).append(1_000, null, new byte[100], List.of()));
            }
        }
        Path filler = mountPoint.resolve("read-only-filler");
        try {
            // Opened before the disk fills (the open deletes the clean-shutdown marker, whose page
            // would give the first recovery point room): as a log opened by the app, then read.
            LogManager log = LogManager.open(dataDir, options);
            try {
                Files.write(filler, new byte[(int) FILE_SYSTEM_BYTES]);
            } catch (IOException expected) {
                // the disk is full: what fitted stays, and no new file gets a page
            }
            assertEquals(3, LogTestSupport.readAll(log.topic("r").partition(0), 0, 1 << 16).size());
            log.close(); // threw "cannot write …/recovery-point: No space left on device" for each partition
        } finally {
            Files.deleteIfExists(filler);
        }
        try (LogManager reopened = LogManager.open(dataDir, options)) {
            assertEquals(3, reopened.topic("r").partition(0).endOffset(), "partition 0 after the close on a full disk");
            assertEquals(2, reopened.topic("r").partition(1).endOffset(), "partition 1 after the close on a full disk");
        }
    }

    @Test
    void aPartitionWhoseFinalTimeIndexEntryFindsNoRoomAtCloseClosesWithoutGoingOfflineAndIsReindexedOnReopen()
            throws Exception {
        Path mountPoint = disk.mountPoint();
        Path dataDir = mountPoint.resolve("unindexed");
        LogManager.Options options = LogTestSupport.options(Clock.systemUTC())
                .withDefaults(LogConfig.DEFAULTS.with(Map.of(LogConfig.MAX_INDEX_BYTES, "65536")));
        Path filler = mountPoint.resolve("unindexed-filler");
        try {
            LogManager log = LogManager.open(dataDir, options);
            PartitionLog partition = log.createTopic("u", 1, Map.of(TopicConfigs.FSYNC, "always")).partition(0);
            // Small batches: none reaches the index interval, so no index page is written before the close.
            LogTestSupport.await(partition.append(1_000, null, new byte[100], List.of()));
            LogTestSupport.await(partition.append(2_000, null, new byte[100], List.of()));
            try {
                Files.write(filler, new byte[(int) FILE_SYSTEM_BYTES]);
            } catch (IOException expected) {
                // the disk is full: what fitted stays, and no index gets a new page
            }
            log.close(); // threw PartitionOfflineException: "the force at close failed: cannot make room for index entry 0"
            assertNull(partition.offline(), "a close that could not finish the indexes does not take the partition offline");
        } finally {
            Files.deleteIfExists(filler);
        }
        try (LogManager reopened = LogManager.open(dataDir, options)) {
            PartitionLog partition = reopened.topic("u").partition(0);
            assertEquals(2, partition.endOffset(), "both records after the close on a full disk");
            assertEquals(1, partition.offsetForTimestamp(1_500).offset(), "the rebuilt time index finds the second");
        }
    }
}
