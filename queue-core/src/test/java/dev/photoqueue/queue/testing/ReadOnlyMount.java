package dev.photoqueue.queue.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A read-only view of a directory: a bind mount of it, remounted read-only, so that writes
 * through the view fail with the kernel's "Read-only file system" even for root, whom permissions
 * do not stop. Files open in the directory itself do not matter (a read-only remount of a whole file
 * system would be refused as busy while the log's index mappings wait for the GC). Mounting needs
 * root or CAP_SYS_ADMIN; where it is refused, {@link #of} skips the calling test, naming the reason.
 * {@link #close} unmounts the view (a failed unmount fails the test, naming it) and removes its
 * empty mount point. Used by the test thread only.
 */
public final class ReadOnlyMount implements AutoCloseable {

    private final Path view;

    private ReadOnlyMount(Path view) {
        this.view = view;
    }

    /** Mounts a read-only view of {@code dir}; skips the calling test where mounting is refused. */
    public static ReadOnlyMount of(Path dir) throws IOException, InterruptedException {
        Path view = Files.createTempDirectory("photoqueue-read-only");
        String refused = SmallFileSystem.run("mount", "--bind", dir.toString(), view.toString());
        if (refused.isEmpty()) {
            refused = SmallFileSystem.run("mount", "-o", "remount,bind,ro", view.toString());
            if (!refused.isEmpty()) {
                SmallFileSystem.run("umount", view.toString());
            }
        }
        if (!refused.isEmpty()) {
            Files.deleteIfExists(view);
        }
        String why = refused;
        assumeTrue(why.isEmpty(), () -> "cannot mount a read-only view of " + dir + " (needs root or CAP_SYS_ADMIN): "
                + why);
        return new ReadOnlyMount(view);
    }

    /** The view: {@code dir}'s files, read-only. */
    public Path path() {
        return view;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        assertEquals("", SmallFileSystem.run("umount", view.toString()), "unmounting " + view);
        Files.delete(view);
    }
}
