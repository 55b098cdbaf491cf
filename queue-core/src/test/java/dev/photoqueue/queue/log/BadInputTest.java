package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.InvalidConfigException;
import dev.photoqueue.queue.api.InvalidTopicException;
import dev.photoqueue.queue.api.OffsetOutOfRangeException;
import dev.photoqueue.queue.api.RecordTooLargeException;
import dev.photoqueue.queue.api.TopicConfigs;
import dev.photoqueue.queue.api.TopicExistsException;
import dev.photoqueue.queue.api.UnknownPartitionException;
import dev.photoqueue.queue.api.UnknownTopicException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input is refused with a specific exception whose message carries the offending values, and
 * leaves the log as it was: the next append and read work, and so does the next open.
 */
class BadInputTest {

    @TempDir
    Path dir;

    private LogManager manager;
    private PartitionLog log;

    @BeforeEach
    void open() {
        manager = LogManager.open(dir);
        log = manager.createTopic("ok", 2, Map.of(TopicConfigs.MAX_RECORD_BYTES, "1000")).partition(0);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** The log takes the next record at the next offset and reads it back; it survives a reopen. */
    private void assertStillUsable() {
        long end = log.endOffset();
        Rec rec = new Rec(1, bytes("k"), bytes("still usable"), List.of());
        assertEquals(end, appendAndWait(log, rec));
        rec.assertMatches(end, log.read(end, 100).records().get(0), "after bad input");
    }

    @Test
    void recordOverMaxRecordBytesIsRefusedWithBothSizes() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> log.append(1, null, new byte[2000], List.of()).get());
        RecordTooLargeException tooLarge = assertInstanceOf(RecordTooLargeException.class, e.getCause());
        assertEquals(2000 + RecordBatches.RECORD_OVERHEAD, tooLarge.size());
        assertEquals(1000, tooLarge.maxSize());
        assertTrue(tooLarge.getMessage().contains("2028") && tooLarge.getMessage().contains("1000"),
                tooLarge.getMessage());
        assertEquals(0, log.endOffset(), "a refused record takes no offset");
        assertEquals(0, appendAndWait(log, new Rec(1, null, new byte[1000 - RecordBatches.RECORD_OVERHEAD], List.of())),
                "a record of exactly max.record.bytes is accepted");
        assertStillUsable();
    }

    @Test
    void partitionOutOfRangeIsRefusedWithTheValidRange() {
        TopicLog topic = manager.topic("ok");
        for (int partition : new int[] {2, -1, 1000}) {
            UnknownPartitionException e = assertThrows(UnknownPartitionException.class, () -> topic.partition(partition));
            assertEquals(partition, e.partition());
            assertTrue(e.getMessage().contains("0..1"), e.getMessage());
        }
        assertEquals("partition 1 is out of range for topic \"one\" with 1 partition (valid: 0)",
                new UnknownPartitionException("one", 1, 1).getMessage());
        assertStillUsable();
    }

    @Test
    void negativeAndFutureOffsetsAreOutOfRange() {
        appendAndWait(log, new Rec(1, null, bytes("one"), List.of()));
        for (long offset : new long[] {-1, Long.MIN_VALUE, 2, 3, Long.MAX_VALUE}) {
            OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class, () -> log.read(offset, 100));
            assertEquals(offset, e.offset());
            assertTrue(e.getMessage().contains("valid offsets are 0..1"), e.getMessage());
        }
        assertTrue(log.read(1, 100).records().isEmpty(), "the end offset itself is a valid, empty read");
        assertStillUsable();
    }

    @Test
    void invalidTopicNamesAreRefusedAndCreateNothing() throws IOException {
        List<String> names = List.of("", ".", "..", "a/b", "../escape", "a b", "tab\tname", "ümlaut", "nul\u0000",
                "x".repeat(250), ".lock", ".clean-shutdown", ".clean-shutdown.tmp");
        for (String name : names) {
            InvalidTopicException e = assertThrows(InvalidTopicException.class,
                    () -> manager.createTopic(name, 1, Map.of()), "topic name \"" + name + "\"");
            assertEquals(name, e.topic());
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(".lock", "ok"), entries.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing was created for the invalid names");
        }
        assertEquals(java.util.Set.of("ok"), manager.topicNames());
        assertStillUsable();
        manager.close();
        manager = LogManager.open(dir);
        log = manager.topic("ok").partition(0);
        assertStillUsable();
    }

    @Test
    void longestValidTopicNameWorks() {
        String name = "a".repeat(249);
        manager.createTopic(name, 1, Map.of());
        assertEquals(0, appendAndWait(manager.topic(name).partition(0), new Rec(1, null, null, List.of())));
    }

    @Test
    void unknownOrBadTopicSettingsAreRefusedByNameAndCreateNothing() throws IOException {
        InvalidConfigException unknown = assertThrows(InvalidConfigException.class,
                () -> manager.createTopic("t1", 1, Map.of("retention.hours", "5")));
        assertEquals("retention.hours", unknown.key());
        assertTrue(unknown.getMessage().contains("retention.hours") && unknown.getMessage().contains("retention.ms"),
                unknown.getMessage());
        for (Map<String, String> bad : List.of(Map.of(TopicConfigs.SEGMENT_BYTES, "abc"),
                Map.of(TopicConfigs.SEGMENT_BYTES, "100"), Map.of(TopicConfigs.RETENTION_MS, "-5"),
                Map.of(TopicConfigs.FSYNC, "sometimes"), Map.of(TopicConfigs.MAX_RECORD_BYTES, "99999999999"))) {
            Map.Entry<String, String> setting = bad.entrySet().iterator().next();
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> manager.createTopic("t1", 1, bad), bad.toString());
            assertEquals(setting.getKey(), e.key());
            assertTrue(e.getMessage().contains(setting.getValue()), e.getMessage());
        }
        for (int partitions : new int[] {0, -1, 10_001}) {
            assertThrows(InvalidConfigException.class, () -> manager.createTopic("t1", partitions, Map.of()));
        }
        assertFalse(Files.exists(dir.resolve("t1")));
        try (Stream<Path> entries = Files.list(dir)) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith("~")), "no staging directory left");
        }
        manager.createTopic("t1", 1, Map.of(TopicConfigs.RETENTION_MS, "5"));
        assertStillUsable();
    }

    @Test
    void existingAndUnknownTopicsAreNamed() {
        TopicExistsException exists = assertThrows(TopicExistsException.class, () -> manager.createTopic("ok", 1, Map.of()));
        assertEquals("ok", exists.topic());
        UnknownTopicException unknown = assertThrows(UnknownTopicException.class, () -> manager.topic("nope"));
        assertTrue(unknown.getMessage().contains("nope"), unknown.getMessage());
        assertEquals(2, manager.topic("ok").partitionCount(), "the existing topic is unchanged");
        assertStillUsable();
    }
}
