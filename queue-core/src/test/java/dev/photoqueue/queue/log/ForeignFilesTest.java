package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.TopicConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Files the log did not write (an operator's notes, a backup, a stray {@code abc.log}) never stop
 * it from opening and are left exactly as they were; leftovers of the log's own interrupted
 * writes are cleaned up.
 */
class ForeignFilesTest {

    @TempDir
    Path dir;

    private List<Rec> writeLog() {
        List<Rec> written = new ArrayList<>();
        try (LogManager manager = LogManager.open(dir)) {
            PartitionLog log = manager.createTopic("t", 1, Map.of(TopicConfigs.SEGMENT_BYTES, "1024")).partition(0);
            for (int i = 0; i < 40; i++) {
                Rec rec = new Rec(i, bytes("k" + i), new byte[50], List.of());
                appendAndWait(log, rec);
                written.add(rec);
            }
        }
        return written;
    }

    @Test
    void foreignFilesDoNotStopOpeningAndAreLeftUntouched() throws IOException {
        List<Rec> written = writeLog();
        Path partition = partitionDir(dir, "t", 0);
        Map<Path, String> foreign = new LinkedHashMap<>();
        for (String name : List.of("notes.txt", "abc.log", "abc.index", "123.log", "00000000000000000000.log.bak",
                "foo.tmp", "0000000000000000000x.log", "00000000000000000000.timeindex.old")) {
            foreign.put(partition.resolve(name), "foreign " + name);
        }
        foreign.put(dir.resolve("t").resolve("README"), "topic notes");
        foreign.put(dir.resolve("notes.txt"), "data dir notes");
        foreign.put(dir.resolve("junk").resolve("abc.log"), "a directory that is not a topic");
        for (Map.Entry<Path, String> e : foreign.entrySet()) {
            Files.createDirectories(e.getKey().getParent());
            Files.writeString(e.getKey(), e.getValue());
        }
        Files.createDirectory(partition.resolve("subdir"));
        for (boolean marker : new boolean[] {true, false}) {
            if (!marker) {
                deleteCleanShutdownMarker(dir);
            }
            try (LogManager manager = LogManager.open(dir)) {
                PartitionLog log = manager.topic("t").partition(0);
                assertLogEquals(written, 0, log, marker ? "clean open" : "unclean open");
                assertEquals(java.util.Set.of("t"), manager.topicNames());
            }
            for (Map.Entry<Path, String> e : foreign.entrySet()) {
                assertEquals(e.getValue(), Files.readString(e.getKey()), e.getKey() + " was changed");
            }
            assertTrue(Files.isDirectory(partition.resolve("subdir")));
        }
    }

    @Test
    void leftoversOfOwnInterruptedWritesAreRemoved() throws IOException {
        List<Rec> written = writeLog();
        Path partition = partitionDir(dir, "t", 0);
        Path orphanIndex = partition.resolve(LogFiles.segmentName(999) + LogFiles.INDEX_SUFFIX);
        Path orphanTimeIndex = partition.resolve(LogFiles.segmentName(999) + LogFiles.TIME_INDEX_SUFFIX);
        Path tempCheckpoint = partition.resolve(LogFiles.RECOVERY_POINT + LogFiles.TEMP_SUFFIX);
        Path staging = dir.resolve("~creating-half");
        for (Path p : List.of(orphanIndex, orphanTimeIndex, tempCheckpoint, staging.resolve("0").resolve("x"))) {
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[24]);
        }
        try (LogManager manager = LogManager.open(dir)) {
            assertLogEquals(written, 0, manager.topic("t").partition(0), "after cleaning up");
            assertEquals(java.util.Set.of("t"), manager.topicNames(), "a topic whose creation was interrupted does not exist");
        }
        for (Path p : List.of(orphanIndex, orphanTimeIndex, tempCheckpoint, staging)) {
            assertFalse(Files.exists(p), p + " should have been removed");
        }
    }
}
