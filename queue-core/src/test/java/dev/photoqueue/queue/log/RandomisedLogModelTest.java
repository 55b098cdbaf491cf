package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Random sequences of appends, reads, lookups by time, clock moves, retention, clean and unclean
 * reopens, checked after every step against a model: a list of records per partition and its
 * start offset. Settings are random too (tiny segments and indexes force rolls). Each seed is
 * fixed, so a failure reproduces; the seed and step are in every assertion message.
 */
class RandomisedLogModelTest {

    private static final String TOPIC = "model";
    private static final int PARTITIONS = 2;
    private static final int STEPS = 300;

    @TempDir(factory = MemoryTempDirFactory.class)
    Path tmp;

    private Random random;
    private MutableClock clock;
    private Path dataDir;
    private LogManager manager;
    private LogConfig config;
    private final List<List<Rec>> model = new ArrayList<>();
    private final long[] start = new long[PARTITIONS];
    private String context;
    private int copies;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 1234, 20_250_101})
    void logMatchesModel(long seed) {
        random = new Random(seed);
        clock = new MutableClock(1_700_000_000_000L);
        dataDir = tmp.resolve("data");
        manager = LogManager.open(dataDir, options(clock));
        Map<String, String> settings = randomSettings();
        context = "seed " + seed + " with " + settings;
        config = manager.createTopic(TOPIC, PARTITIONS, settings).config();
        for (int p = 0; p < PARTITIONS; p++) {
            model.add(new ArrayList<>());
        }
        try {
            for (int step = 0; step < STEPS; step++) {
                context = "seed " + seed + ", step " + step + ", settings " + settings;
                step();
            }
            for (int p = 0; p < PARTITIONS; p++) {
                checkWhole(p);
            }
        } finally {
            manager.close();
        }
    }

    private Map<String, String> randomSettings() {
        return settings(
                TopicConfigs.SEGMENT_BYTES, pick("1024", "2048", "8192"),
                LogConfig.INDEX_INTERVAL_BYTES, pick("1", "64", "512", "4096"),
                LogConfig.MAX_INDEX_BYTES, pick("128", "256", "1048576"),
                LogConfig.BATCH_BYTES, pick("1024", "4096"),
                TopicConfigs.SEGMENT_MS, pick("2000", "60000"),
                TopicConfigs.RETENTION_MS, pick("-1", "5000", "30000"),
                TopicConfigs.RETENTION_BYTES, pick("-1", "3000", "10000"),
                TopicConfigs.FSYNC, pick("never", "interval", "always"));
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private PartitionLog log(int p) {
        return manager.topic(TOPIC).partition(p);
    }

    private void step() {
        int op = random.nextInt(100);
        int p = random.nextInt(PARTITIONS);
        if (op < 35) {
            append(p, 1 + random.nextInt(8));
        } else if (op < 55) {
            read(p);
        } else if (op < 65) {
            lookUpByTime(p);
        } else if (op < 75) {
            clock.advance(random.nextInt(3000));
        } else if (op < 83) {
            applyRetention();
        } else if (op < 88) {
            reopen(false);
        } else if (op < 92) {
            reopen(true);
        } else if (op < 96) {
            crashAndReopenCopy();
        } else {
            checkWhole(p);
        }
    }

    private Rec randomRecord() {
        byte[] key = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> new byte[0];
            default -> randomBytes(random.nextInt(20));
        };
        int valueSize = random.nextInt(50) == 0 ? 1000 + random.nextInt(3000) : random.nextInt(300);
        byte[] value = random.nextInt(8) == 0 ? null : randomBytes(valueSize);
        List<Header> headers = new ArrayList<>();
        for (int h = random.nextInt(3); h > 0; h--) {
            headers.add(new Header("h" + h, random.nextBoolean() ? null : randomBytes(random.nextInt(10))));
        }
        long timestamp = Math.max(0, clock.millis() + random.nextInt(10_000) - 5_000);
        return new Rec(timestamp, key, value, headers);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void append(int p, int count) {
        PartitionLog log = log(p);
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
        List<Rec> records = model.get(p);
        long first = records.size();
        for (int i = 0; i < count; i++) {
            Rec rec = randomRecord();
            records.add(rec);
            sends.add(log.append(rec.timestamp(), rec.key(), rec.value(), rec.headers()));
            if (random.nextInt(4) == 0) {
                log.drain();
            }
        }
        for (int i = 0; i < count; i++) {
            assertEquals(first + i, await(sends.get(i)).offset(), context + ": offset of append " + i);
        }
        assertEquals(records.size(), log.endOffset(), context + ": end offset after appends");
    }

    private void read(int p) {
        PartitionLog log = log(p);
        List<Rec> records = model.get(p);
        long end = records.size();
        assertEquals(start[p], log.startOffset(), context + ": start offset");
        assertEquals(end, log.endOffset(), context + ": end offset");
        long offset = start[p] + (long) random.nextInt((int) (end - start[p] + 1));
        int maxBytes = new int[] {1, 100, 1000, 100_000}[random.nextInt(4)];
        PartitionLog.Fetch fetch = log.read(offset, maxBytes);
        String where = context + ": read of partition " + p + " at " + offset + " with maxBytes " + maxBytes;
        if (offset == end) {
            assertTrue(fetch.records().isEmpty(), where);
        } else {
            assertFalse(fetch.records().isEmpty(), where);
        }
        for (int i = 0; i < fetch.records().size(); i++) {
            records.get((int) (offset + i)).assertMatches(offset + i, fetch.records().get(i), where);
        }
        assertEquals(offset + fetch.records().size(), fetch.nextOffset(), where + ": next offset");
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(end + 1 + random.nextInt(5), 100), where);
        if (start[p] > 0) {
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(start[p] - 1, 100), where);
        }
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100), where);
    }

    private void lookUpByTime(int p) {
        List<Rec> records = model.get(p);
        long t;
        if (records.size() > start[p] && random.nextBoolean()) {
            t = records.get((int) start[p] + random.nextInt((int) (records.size() - start[p]))).timestamp()
                    + random.nextInt(3) - 1;
        } else {
            t = clock.millis() + random.nextInt(20_000) - 15_000;
        }
        OffsetAndTimestamp expected = null;
        for (long o = start[p]; o < records.size(); o++) {
            if (records.get((int) o).timestamp() >= t) {
                expected = new OffsetAndTimestamp(o, records.get((int) o).timestamp());
                break;
            }
        }
        assertEquals(expected, log(p).offsetForTimestamp(t), context + ": lookup of time " + t + " in partition " + p);
    }

    /** Works out from the segment files which segments retention must delete, then has it do so. */
    private void applyRetention() {
        long now = clock.millis();
        int expectedDeleted = 0;
        long[] expectedStart = new long[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            List<Path> files = segmentFiles(partitionDir(dataDir, TOPIC, p));
            List<Long> bases = files.stream().map(LogTestSupport::baseOffsetOf).toList();
            int kept = 0;
            if (config.retentionMs() >= 0) {
                while (kept < bases.size() - 1 && maxTimestamp(p, bases.get(kept), bases.get(kept + 1))
                        < now - config.retentionMs()) {
                    kept++;
                }
            }
            if (config.retentionBytes() >= 0) {
                long total = 0;
                for (int i = kept; i < files.size(); i++) {
                    total += size(files.get(i));
                }
                while (kept < bases.size() - 1 && total - size(files.get(kept)) >= config.retentionBytes()) {
                    total -= size(files.get(kept));
                    kept++;
                }
            }
            expectedDeleted += kept;
            expectedStart[p] = bases.get(kept);
        }
        assertEquals(expectedDeleted, manager.applyRetention(), context + ": segments deleted by retention");
        for (int p = 0; p < PARTITIONS; p++) {
            start[p] = expectedStart[p];
            assertEquals(start[p], log(p).startOffset(), context + ": start offset after retention of " + p);
        }
    }

    private long maxTimestamp(int p, long from, long to) {
        long max = -1;
        for (long o = from; o < to; o++) {
            max = Math.max(max, model.get(p).get((int) o).timestamp());
        }
        return max;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void reopen(boolean unclean) {
        manager.close();
        if (unclean) {
            deleteCleanShutdownMarker(dataDir);
        }
        manager = LogManager.open(dataDir, options(clock));
        checkExtents();
    }

    /** Copies the directory while the log is open, as a kill -9 would leave it, and carries on from the copy. */
    private void crashAndReopenCopy() {
        Path copy = tmp.resolve("crash-" + copies++);
        copyTree(dataDir, copy);
        manager.close();
        deleteTree(dataDir);
        dataDir = copy;
        manager = LogManager.open(dataDir, options(clock));
        checkExtents();
    }

    private void checkExtents() {
        for (int p = 0; p < PARTITIONS; p++) {
            assertEquals(start[p], log(p).startOffset(), context + ": start offset of " + p + " after reopen");
            assertEquals(model.get(p).size(), log(p).endOffset(), context + ": end offset of " + p + " after reopen");
        }
    }

    private void checkWhole(int p) {
        List<Rec> records = model.get(p);
        PartitionLog log = log(p);
        assertLogEquals(records.subList((int) start[p], records.size()), start[p], log, context + ", partition " + p);
        List<ConsumerRecord> tail = readAll(log, start[p], 1 + random.nextInt(5000));
        assertEquals(records.size() - start[p], tail.size(), context + ": read with remembered positions");
    }
}
