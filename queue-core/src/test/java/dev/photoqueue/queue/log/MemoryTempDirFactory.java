package dev.photoqueue.queue.log;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a {@code @TempDir} on tmpfs ({@code /dev/shm}) where there is one, else in the default
 * temporary directory. For the tests that open a log thousands of times: every open and close
 * forces files and directories, which costs milliseconds each on a disk and nothing on tmpfs,
 * while the files stay real files read and written through the same calls.
 */
public final class MemoryTempDirFactory implements TempDirFactory {

    private static final Path SHM = Path.of("/dev/shm");

    @Override
    public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
            throws Exception {
        if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
            return Files.createTempDirectory(SHM, "photoqueue-test");
        }
        return Files.createTempDirectory("photoqueue-test");
    }
}
