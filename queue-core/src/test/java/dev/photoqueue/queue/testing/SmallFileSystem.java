package dev.photoqueue.queue.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real file system of a fixed size that fills up: a tmpfs mounted before all tests of a class
 * and unmounted after them. Mounting needs root or CAP_SYS_ADMIN; where it is refused, each test
 * that asks for the {@link #mountPoint()} is skipped, naming the reason. A test class registers it
 * on a static field:
 *
 * <pre>{@code @RegisterExtension static final SmallFileSystem disk = SmallFileSystem.ofBytes(4L << 20);}</pre>
 *
 * <p>After all tests the mount is removed (a failed unmount fails the class, naming the mount
 * point) and so is its empty directory. Used by the test thread only.
 */
public final class SmallFileSystem implements BeforeAllCallback, AfterAllCallback {

    private static final long COMMAND_SECONDS = 60;

    private final long bytes;
    private final boolean lazyUnmount;
    private Path mountPoint;
    private String whyNotMounted = "not mounted yet";

    private SmallFileSystem(long bytes, boolean lazyUnmount) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a file system of " + bytes + " bytes");
        }
        this.bytes = bytes;
        this.lazyUnmount = lazyUnmount;
    }

    /** A tmpfs of {@code bytes}; after all tests it must unmount at once, so nothing may still hold a file on it. */
    public static SmallFileSystem ofBytes(long bytes) {
        return new SmallFileSystem(bytes, false);
    }

    /**
     * The same file system, detached lazily after all tests ({@code umount -l}): for tests whose
     * memory-mapped files are released by the GC rather than by close, which keep the mount busy
     * until then. The kernel frees it once the last mapping is gone.
     */
    public SmallFileSystem unmountedLazily() {
        return new SmallFileSystem(bytes, true);
    }

    /** The file system's size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Where it is mounted; skips the calling test, saying why, where it could not be mounted. */
    public Path mountPoint() {
        assumeTrue(whyNotMounted.isEmpty(),
                () -> "cannot mount a tmpfs to fill (needs root or CAP_SYS_ADMIN): " + whyNotMounted);
        return mountPoint;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        mountPoint = Files.createTempDirectory("photoqueue-small-fs");
        whyNotMounted = run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
        if (mountPoint == null) {
            return;
        }
        if (whyNotMounted.isEmpty()) {
            String unmounted = lazyUnmount
                    ? run("umount", "-l", mountPoint.toString())
                    : run("umount", mountPoint.toString());
            assertEquals("", unmounted, "unmounting " + mountPoint);
        }
        Files.deleteIfExists(mountPoint);
    }

    /** Runs a command to its end; "" when it succeeded, else what failed with its exit status and output. */
    static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return String.join(" ", command) + " could not start: " + e.getMessage();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not end within " + COMMAND_SECONDS + " s";
        }
        return process.exitValue() == 0 ? "" : String.join(" ", command) + " exited " + process.exitValue() + ": "
                + output;
    }
}
