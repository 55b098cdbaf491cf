package dev.photoqueue.queue.log;

import dev.photoqueue.queue.api.DataDirectoryLockedException;
import dev.photoqueue.queue.testing.ChildJvm;
import dev.photoqueue.queue.testing.ChildJvms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.queue.log.LogTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One process owns a data directory at a time: a second open, in this JVM or another, fails with
 * {@link DataDirectoryLockedException} naming the directory, and the owner keeps its lock. When
 * the owner dies by kill -9 the OS drops the lock, and the next open recovers everything the dead
 * process had acknowledged.
 */
class DataDirectoryLockTest {

    @TempDir
    Path tmp;

    @RegisterExtension
    final ChildJvms children = new ChildJvms();

    private Path dataDir() {
        return tmp.resolve("data").toAbsolutePath();
    }

    @Test
    void secondOpenInSameProcessFailsNamingDirectory() {
        try (LogManager owner = LogManager.open(dataDir())) {
            PartitionLog log = owner.createTopic("t", 1, Map.of()).partition(0);
            DataDirectoryLockedException e = assertThrows(DataDirectoryLockedException.class,
                    () -> LogManager.open(dataDir()));
            assertEquals(dataDir().toString(), e.directory());
            assertTrue(e.getMessage().contains(dataDir().toString()), e.getMessage());
            assertEquals(0, appendAndWait(log, new Rec(1, null, bytes("owner still works"), List.of())));
        }
        try (LogManager next = LogManager.open(dataDir())) {
            assertEquals(1, next.topic("t").partition(0).endOffset(), "the directory is free once the owner closes");
        }
    }

    @Test
    void refusedSecondOpenLeavesOwnersLockInPlace() throws Exception {
        LogManager owner = LogManager.open(dataDir());
        try {
            assertThrows(DataDirectoryLockedException.class, () -> LogManager.open(dataDir()));
            // The refused attempt must not have dropped the owner's OS lock: another process is still kept out.
            ChildJvm probe = children.start(LockHolderMain.class, "probe", dataDir().toString());
            String line = probe.firstLine();
            assertEquals(LockHolderMain.LOCKED_EXIT, probe.awaitExit(), "another process opened a locked directory: " + line);
            assertTrue(line.startsWith("LOCKED") && line.contains(dataDir().toString()), line);
            assertTrue(line.contains("pid " + ProcessHandle.current().pid()), "the message names the owner: " + line);
        } finally {
            owner.close();
        }
    }

    @Test
    void lockOfKilledChildProcessIsReleasedAndNothingIsLost() throws Exception {
        try (LogManager manager = LogManager.open(dataDir())) {
            PartitionLog log = manager.createTopic("lock", 1, Map.of()).partition(0);
            for (int i = 0; i < 100; i++) {
                appendAndWait(log, new Rec(i, null, bytes("parent-" + i), List.of()));
            }
        }
        ChildJvm holder = children.start(LockHolderMain.class, "hold", dataDir().toString(), "50");
        assertEquals("READY 150", holder.firstLine());

        DataDirectoryLockedException e = assertThrows(DataDirectoryLockedException.class,
                () -> LogManager.open(dataDir()));
        assertEquals(dataDir().toString(), e.directory());
        assertTrue(e.getMessage().contains("pid " + holder.pid()), "the message names the owner: " + e.getMessage());

        holder.kill();
        assertFalse(Files.exists(dataDir().resolve(LogFiles.CLEAN_SHUTDOWN)), "a killed owner cannot have shut down cleanly");

        try (LogManager manager = LogManager.open(dataDir())) {
            PartitionLog log = manager.topic("lock").partition(0);
            List<Rec> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                expected.add(new Rec(i, null, bytes("parent-" + i), List.of()));
            }
            for (int i = 0; i < 50; i++) {
                expected.add(new Rec(i, null, bytes("child-" + i), List.of()));
            }
            assertLogEquals(expected, 0, log, "after the owner was killed");
            assertEquals(150, appendAndWait(log, new Rec(1, null, bytes("parent again"), List.of())));
        }
    }
}
