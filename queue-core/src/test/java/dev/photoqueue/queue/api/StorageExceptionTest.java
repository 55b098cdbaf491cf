package dev.photoqueue.queue.api;

import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

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
    void aFileSystemErrorWithoutAReasonIsWordedByWhatItsTypeMeansNamingItsFileWhenItIsAnother() {
        assertEquals("cannot open segment /q/t/0/0.log: no such file or directory", new StorageException(
                "/q/t/0/0.log", "open segment", new NoSuchFileException("/q/t/0/0.log")).getMessage());
        assertEquals("cannot read topic /q/t: no such file or directory (/q/t/0)", new StorageException(
                "/q/t", "read topic", new NoSuchFileException("/q/t/0")).getMessage());
        assertEquals("cannot list /q/t: not a directory", new StorageException("/q/t", "list",
                new NotDirectoryException("/q/t")).getMessage());
        assertEquals("cannot create /q/t: file already exists", new StorageException("/q/t", "create",
                new FileAlreadyExistsException("/q/t")).getMessage());
        assertEquals("cannot delete /q/t: directory not empty", new StorageException("/q/t", "delete",
                new DirectoryNotEmptyException("/q/t")).getMessage());
        assertEquals("cannot open index /q/0.index: No such file or directory", new StorageException("/q/0.index",
                "open index", new FileNotFoundException("/q/0.index (No such file or directory)")).getMessage());
        assertEquals("cannot open index /q/0.index: Not a directory (/q/0.index/x)", new StorageException(
                "/q/0.index", "open index", new FileNotFoundException("/q/0.index/x (Not a directory)")).getMessage());
        assertEquals("cannot move /q/a: input/output error (/q/a -> /q/b)", new StorageException("/q/a", "move",
                new FileSystemException("/q/a", "/q/b", null)).getMessage());
    }

    @Test
    void aCauseWithoutWordsOfItsOwnIsWordedByWhatItWrapsOrAsAnInputOutputError() {
        assertEquals("cannot read /q/t/0.log: input/output error", new StorageException("/q/t/0.log", "read",
                new IOException()).getMessage());
        assertEquals("cannot read /q/t/0.log: no such file or directory", new StorageException("/q/t/0.log",
                "read", new UncheckedIOException(new NoSuchFileException("/q/t/0.log"))).getMessage());
        assertEquals("cannot read /q/t/0.log: not a directory (/q/t)", new StorageException("/q/t/0.log",
                "read", new IOException(new NotDirectoryException("/q/t"))).getMessage());
        assertEquals("cannot read /q/t/0.log: closed", new StorageException("/q/t/0.log", "read",
                new IllegalStateException("closed")).getMessage());
        assertEquals("cannot read /q/t/0.log: unexpected error without a message", new StorageException(
                "/q/t/0.log", "read", new IllegalStateException()).getMessage());
    }
}
