package dev.photoqueue.queue.log;

import dev.photoqueue.queue.env.Env;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.RecordMetadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Helpers shared by the storage tests: reading a partition whole, copying and damaging data
 * directories, and finding batch boundaries in a segment file from the documented format
 * ({@link RecordBatches}) without going through the code under test.
 */
public final class LogTestSupport {

    /** Long enough that the background retention never runs during a test; tests call it. */
    public static final long NO_BACKGROUND_RETENTION_MS = 24L * 3600 * 1000;
    public static final long FUTURE_TIMEOUT_SECONDS = 60;

    private LogTestSupport() {
    }

    /** Where a batch sits in a segment file. */
    public record BatchInfo(long position, int size, long baseOffset, int recordCount) {
        public long end() {
            return position + size;
        }

        public long nextOffset() {
            return baseOffset + recordCount;
        }
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static LogManager.Options options(Clock clock) {
        return new LogManager.Options(LogConfig.DEFAULTS, NO_BACKGROUND_RETENTION_MS, Env.system().withClock(clock));
    }

    public static RecordMetadata await(CompletableFuture<RecordMetadata> future) {
        try {
            return future.get(FUTURE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("send did not complete: " + e, e);
        }
    }

    /** Appends {@code rec}, waits for its acknowledgement and returns its offset. */
    public static long appendAndWait(PartitionLog log, Rec rec) {
        return await(log.append(rec.timestamp(), rec.key(), rec.value(), rec.headers())).offset();
    }

    /** Every record from {@code from} to the end offset, in fetches of about {@code maxBytes}. */
    public static List<ConsumerRecord> readAll(PartitionLog log, long from, int maxBytes) {
        List<ConsumerRecord> all = new ArrayList<>();
        long next = from;
        PartitionLog.Fetch previous = null;
        long end = log.endOffset();
        while (next < end) {
            PartitionLog.Fetch fetch = log.read(next, maxBytes, previous);
            assertFalse(fetch.records().isEmpty(), "no progress at offset " + next + " of " + log);
            all.addAll(fetch.records());
            next = fetch.nextOffset();
            previous = fetch;
        }
        return all;
    }

    /** Asserts the partition holds exactly {@code expected} (offset i at index i - start) from its start offset. */
    public static void assertLogEquals(List<Rec> expected, long start, PartitionLog log, String context) {
        assertEquals(start, log.startOffset(), context + ": start offset");
        assertEquals(start + expected.size(), log.endOffset(), context + ": end offset");
        List<ConsumerRecord> actual = readAll(log, start, 700);
        assertEquals(expected.size(), actual.size(), context + ": record count");
        for (int i = 0; i < expected.size(); i++) {
            expected.get(i).assertMatches(start + i, actual.get(i), context);
        }
    }

    public static Path partitionDir(Path dataDir, String topic, int partition) {
        return dataDir.resolve(topic).resolve(Integer.toString(partition));
    }

    /** The segment files of a partition directory, oldest first. */
    public static List<Path> segmentFiles(Path partitionDir) {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(p -> LogFiles.parseBaseOffset(p.getFileName().toString(), LogFiles.LOG_SUFFIX) >= 0)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + partitionDir, e);
        }
    }

    public static long baseOffsetOf(Path segmentFile) {
        return LogFiles.parseBaseOffset(segmentFile.getFileName().toString(), LogFiles.LOG_SUFFIX);
    }

    /** The batches of a well-formed segment file, walked by their length fields. */
    public static List<BatchInfo> batches(Path segmentFile) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segmentFile));
            List<BatchInfo> out = new ArrayList<>();
            int position = 0;
            while (position < b.limit()) {
                int size = 12 + b.getInt(position + 8);
                out.add(new BatchInfo(position, size, b.getLong(position), b.getInt(position + 19)));
                position += size;
            }
            assertEquals(b.limit(), position, "batches of " + segmentFile + " do not end at the file's end");
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + segmentFile, e);
        }
    }

    /** Copies a data directory without its {@code .lock}, as a crash would leave it if taken while open. */
    public static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                if (source.getFileName().toString().equals(LogFiles.LOCK_FILE)) {
                    // Opening the lock file and closing it again would drop the owner's POSIX lock.
                    continue;
                }
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot copy " + from + " to " + to, e);
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot delete " + root, e);
        }
    }

    public static void deleteCleanShutdownMarker(Path dataDir) {
        try {
            Files.delete(dataDir.resolve(LogFiles.CLEAN_SHUTDOWN));
        } catch (IOException e) {
            throw new AssertionError("no clean-shutdown marker in " + dataDir, e);
        }
    }

    public static void truncate(Path file, long size) {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new AssertionError("cannot truncate " + file, e);
        }
    }

    public static void flipBit(Path file, long position, int bit) {
        try {
            byte[] content = Files.readAllBytes(file);
            content[(int) position] ^= (byte) (1 << bit);
            Files.write(file, content);
        } catch (IOException e) {
            throw new AssertionError("cannot flip a bit in " + file, e);
        }
    }

    public static void appendBytes(Path file, byte[] extra) {
        try {
            Files.write(file, extra, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new AssertionError("cannot append to " + file, e);
        }
    }

    public static Map<String, String> settings(String... keysAndValues) {
        java.util.LinkedHashMap<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
