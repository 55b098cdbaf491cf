package dev.photoqueue.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The peer the log family measures really stores and reads back what it is given. */
class ChronicleLogTest {

    @TempDir
    Path dir;

    @Test
    void readsBackEveryAppendedRecordWhole() {
        byte[] value = LogWorkload.randomValue(100);
        try (ChronicleLog log = ChronicleLog.open(dir.resolve("q"))) {
            log.append(10_000, value);
            log.read(10_000, 100);
            assertEquals(10_000L * value[0], log.readOwned(10_000, 100));
        }
    }

    @Test
    void readingPastTheEndFailsNamingHowManyWereThere() {
        try (ChronicleLog log = ChronicleLog.open(dir.resolve("q"))) {
            log.append(5, LogWorkload.randomValue(100));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.read(6, 100));
            assertTrue(e.getMessage().contains("after 5 of 6"), e.getMessage());
        }
    }

    @Test
    void aRecordOfAnotherSizeIsReported() {
        try (ChronicleLog log = ChronicleLog.open(dir.resolve("q"))) {
            log.append(1, LogWorkload.randomValue(50));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.read(1, 100));
            assertTrue(e.getMessage().contains("holds 50 bytes"), e.getMessage());
        }
    }
}
