package dev.photoqueue.worker.blob;

import dev.photoqueue.queue.testing.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The blob store on a file system that really fills up: an 8 MB tmpfs the test mounts (it needs
 * root, or CAP_SYS_ADMIN; elsewhere it is skipped, saying why). An upload larger than the free
 * space fails as the kernel's "No space left on device" after a partial write, leaves nothing in
 * the store, and gives the space back at once, so the next upload is stored.
 */
class FullDiskStagingTest {

    private static final long FILE_SYSTEM_BYTES = 8L << 20;

    @RegisterExtension
    static final SmallFileSystem disk = SmallFileSystem.ofBytes(FILE_SYSTEM_BYTES);

    @Test
    void anUploadLargerThanTheFreeSpaceFailsAsDiskFullAndLeavesTheSpaceFree() throws Exception {
        Path root = disk.mountPoint().resolve("blobs");
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
}
