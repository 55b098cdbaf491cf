package dev.photoqueue.queue.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A storage failure's message names the path, and the cause in words rather than as a Java type. */
class StorageExceptionTest {

    @Test
    void aFileSystemErrorIsWordedByItsReasonAndAPermissionErrorAsPermissionDenied() {
        AccessDeniedException denied = new AccessDeniedException("/q/.lock");
        StorageException noPermission = new StorageException("/q/.lock", "open lock file", denied);
        assertEquals("cannot open lock file /q/.lock: permission denied", noPermission.getMessage());
        assertSame(denied, noPermission.getCause());

        assertEquals("cannot create data directory /q: Read-only file system", new StorageException("/q",
                "create data directory", new FileSystemException("/q", null, "Read-only file system")).getMessage());
        assertEquals("cannot lock /q/.lock: No locks available", new StorageException("/q/.lock", "lock",
                new IOException("No locks available")).getMessage());
    }

    @Test
    void aCauseWithoutWordsOfItsOwnKeepsItsType() {
        assertEquals("cannot read /q/t/0.log: java.io.IOException", new StorageException("/q/t/0.log", "read",
                new IOException()).getMessage());
        assertEquals("cannot read /q/t/0.log: java.lang.IllegalStateException: closed", new StorageException(
                "/q/t/0.log", "read", new IllegalStateException("closed")).getMessage());
    }
}
