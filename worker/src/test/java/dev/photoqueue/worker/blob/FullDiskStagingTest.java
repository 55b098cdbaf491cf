package dev.photoqueue.worker.blob;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The blob store on a file system that really fills up: an 8 MB tmpfs the test mounts (it needs
 * root, or CAP_SYS_ADMIN; elsewhere it is skipped, saying why). An upload larger than the free
 * space fails as the kernel's "No space left on device" after a partial write, leaves nothing in
 * the store, and gives the space back at once, so the next upload is stored.
 */
class FullDiskStagingTest {

    private static final long FILE_SYSTEM_BYTES = 8L << 20;
    private static Path mountPoint;
    private static boolean mounted;
    private static String whyNotMounted = "";

    @BeforeAll
    static void mountASmallFileSystem() throws IOException, InterruptedException {
        mountPoint = Files.createTempDirectory("photoqueue-full-disk");
        String result = run("mount", "-t", "tmpfs", "-o", "size=" + FILE_SYSTEM_BYTES, "tmpfs", mountPoint.toString());
        mounted = result.isEmpty();
        whyNotMounted = result;
    }

    @AfterAll
    static void unmount() throws IOException, InterruptedException {
        if (mounted) {
            String result = run("umount", mountPoint.toString());
            assertEquals("", result, "unmounting " + mountPoint);
        }
        Files.deleteIfExists(mountPoint);
    }

    @Test
    void anUploadLargerThanTheFreeSpaceFailsAsDiskFullAndLeavesTheSpaceFree() throws Exception {
        assumeTrue(mounted, "cannot mount a tmpfs to fill (needs root or CAP_SYS_ADMIN): " + whyNotMounted);
        Path root = mountPoint.resolve("blobs");
        BlobStore store = BlobStore.onFileSystem(root, true);
        long free = Files.getFileStore(root).getUsableSpace();

        BlobIOException e = assertThrows(BlobIOException.class,
                () -> store.stageOriginal("huge", randomStream(2 * FILE_SYSTEM_BYTES), 4 * FILE_SYSTEM_BYTES));

        assertEquals(root.resolve("originals/huge"), e.path());
        assertTrue(e.getMessage().contains("photo huge"), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertEquals(List.of(), FileBlobStoreFaultTest.names(root.resolve("originals")), "nothing left in the store");
        assertTrue(Files.getFileStore(root).getUsableSpace() >= free,
                "the partial temporary file's space is free again");

        byte[] photo = FileBlobStoreFaultTest.randomBytes(1 << 20, 42);
        try (StagedOriginal staged = store.stageOriginal("next", new ByteArrayInputStream(photo), 1 << 20)) {
            assertEquals("originals/next", staged.commit());
        }
        assertArrayEquals(photo, store.readOriginal("next", "originals/next", BlobStore.sha256(photo), 1 << 20));
    }

    /** {@code size} pseudo-random bytes, made as they are read: the test holds no more than one buffer. */
    private static InputStream randomStream(long size) {
        Random random = new Random(7);
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                byte[] bytes = new byte[n];
                random.nextBytes(bytes);
                System.arraycopy(bytes, 0, b, off, n);
                left -= n;
                return n;
            }
        };
    }

    /** Runs a command to its end; "" when it succeeded, else its exit status and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return String.join(" ", command) + " could not start: " + e.getMessage();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not end within 30 s";
        }
        return process.exitValue() == 0 ? "" : String.join(" ", command) + " exited " + process.exitValue() + ": "
                + output;
    }
}
