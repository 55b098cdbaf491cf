package dev.photoqueue.worker.blob;

import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The blob store on real files in a temporary folder, reached through a {@link FaultyFileIO} that
 * fails the write, force, rename or folder force a test names, or fills the disk in the middle of
 * a write. Each test proves what {@link FileBlobStore}'s class comment promises for that step: the
 * write throws a {@link BlobIOException} naming the photo and the file, nothing partial is visible
 * at the target, the earlier version stays whole, and no temporary file is left behind.
 */
class FileBlobStoreFaultTest {

    /** What a streamed upload is in the upload API: 1 MB, staged in 64 KB pieces. */
    private static final int UPLOAD_BYTES = 1 << 20;

    @TempDir
    Path root;
    private FaultyFileIO files;
    private BlobStore store;

    @BeforeEach
    void setUp() {
        files = new FaultyFileIO();
        store = BlobStore.onFileSystem(root, true, files);
    }

    // ---- originals: staging ----

    @Test
    void anIoErrorInTheMiddleOfStagingAnOriginalFailsNamingThePhotoAndLeavesNothing() throws Exception {
        byte[] upload = randomBytes(UPLOAD_BYTES, 1);
        // the fault is armed once 300 KB have been staged: the temporary file holds a part when it hits
        InputStream content = armAfter(upload, 300_000, () -> files.fail(Op.WRITE, FaultyFileIO.named(".tmp"), 1));

        BlobIOException e = assertThrows(BlobIOException.class, () -> store.stageOriginal("p-1", content, 2 * UPLOAD_BYTES));

        assertEquals(1, files.injected());
        assertNamesPhotoAndTarget(e, "p-1", root.resolve("originals/p-1"));
        assertTrue(e.getMessage().contains("injected fault: write"), e.getMessage());
        assertFalse(e.permanent(), "an I/O error is worth a retry");
        assertNothingIn(root.resolve("originals"));
    }

    @Test
    void aDiskThatFillsUpWhileStagingAnOriginalFailsAfterThePartialWriteAndLeavesNothing() throws Exception {
        files.diskFullAfter(300_000, FaultyFileIO.named(".tmp"));
        byte[] upload = randomBytes(UPLOAD_BYTES, 2);

        BlobIOException e = assertThrows(BlobIOException.class,
                () -> store.stageOriginal("p-2", new ByteArrayInputStream(upload), 2 * UPLOAD_BYTES));

        assertNamesPhotoAndTarget(e, "p-2", root.resolve("originals/p-2"));
        assertTrue(e.getMessage().contains("failed: No space left on device"), e.getMessage());
        assertNothingIn(root.resolve("originals"));

        files.heal();
        try (StagedOriginal again = store.stageOriginal("p-2", new ByteArrayInputStream(upload), 2 * UPLOAD_BYTES)) {
            again.commit();
        }
        assertArrayEquals(upload, store.readOriginal("p-2", "originals/p-2", BlobStore.sha256(upload), UPLOAD_BYTES));
        assertEquals(List.of("p-2"), names(root.resolve("originals")), "the retry after healing left only the original");
    }

    @Test
    void aTemporaryFileWhoseDeleteAlsoFailedIsLeftOnlyForTheStartUpSweep() throws Exception {
        files.fail(Op.WRITE, FaultyFileIO.named(".tmp"), 1).fail(Op.DELETE, FaultyFileIO.named(".tmp"), 1);

        assertThrows(BlobIOException.class,
                () -> store.stageOriginal("p-3", new ByteArrayInputStream(randomBytes(UPLOAD_BYTES, 3)), UPLOAD_BYTES));

        assertEquals(2, files.injected(), "the write and the delete of the temporary file failed");
        List<String> left = names(root.resolve("originals"));
        assertEquals(1, left.size(), "one temporary file, nothing at the target: " + left);
        assertTrue(left.get(0).startsWith(".p-3.") && left.get(0).endsWith(".tmp"), left.get(0));
        // a restart an hour later: the start-up sweep removes it
        Path temp = root.resolve("originals").resolve(left.get(0));
        Files.setLastModifiedTime(temp, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        BlobStore restarted = BlobStore.onFileSystem(root, true, files);
        assertEquals(1, restarted.deleteAbandonedTemporaryFiles(Duration.ofHours(1)));
        assertNothingIn(root.resolve("originals"));
    }

    // ---- originals: committing ----

    @Test
    void aFailedForceWhileCommittingAnOriginalLeavesItUnstoredAndNoTemporaryFile() throws Exception {
        byte[] upload = randomBytes(UPLOAD_BYTES, 4);
        try (StagedOriginal staged = store.stageOriginal("p-4", new ByteArrayInputStream(upload), UPLOAD_BYTES)) {
            files.fail(Op.FORCE, FaultyFileIO.named(".tmp"), 1);

            BlobIOException e = assertThrows(BlobIOException.class, staged::commit);

            assertNamesPhotoAndTarget(e, "p-4", root.resolve("originals/p-4"));
            assertTrue(e.getMessage().contains("forcing the staged file " + staged.path()), e.getMessage());
            assertFalse(Files.exists(root.resolve("originals/p-4")), "nothing at the original's place");
        }
        assertNothingIn(root.resolve("originals"));
        assertThrows(BlobNotFoundException.class,
                () -> store.readOriginal("p-4", "originals/p-4", BlobStore.sha256(upload), UPLOAD_BYTES));
    }

    @Test
    void aFailedRenameWhileCommittingAnOriginalLeavesItUnstoredAndNoTemporaryFile() throws Exception {
        byte[] upload = randomBytes(UPLOAD_BYTES, 5);
        try (StagedOriginal staged = store.stageOriginal("p-5", new ByteArrayInputStream(upload), UPLOAD_BYTES)) {
            files.fail(Op.MOVE, FaultyFileIO.named("p-5"), 1);

            BlobIOException e = assertThrows(BlobIOException.class, staged::commit);

            assertEquals(1, files.injected());
            assertNamesPhotoAndTarget(e, "p-5", root.resolve("originals/p-5"));
            assertTrue(e.getMessage().contains("renaming the staged file"), e.getMessage());
        }
        assertNothingIn(root.resolve("originals"));
        assertThrows(BlobNotFoundException.class,
                () -> store.readOriginal("p-5", "originals/p-5", BlobStore.sha256(upload), UPLOAD_BYTES));
    }

    @Test
    void aFailedFolderForceAfterRenamingANewOriginalTakesTheRenameBack() throws Exception {
        byte[] upload = randomBytes(UPLOAD_BYTES, 6);
        try (StagedOriginal staged = store.stageOriginal("p-6", new ByteArrayInputStream(upload), UPLOAD_BYTES)) {
            files.fail(Op.FORCE_DIRECTORY, FaultyFileIO.under(root.resolve("originals")), 1);

            BlobIOException e = assertThrows(BlobIOException.class, staged::commit);

            assertEquals(1, files.injected());
            assertNamesPhotoAndTarget(e, "p-6", root.resolve("originals/p-6"));
            assertTrue(e.getMessage().contains("forcing the folder of"), e.getMessage());
        }
        assertNothingIn(root.resolve("originals"));
        assertThrows(BlobNotFoundException.class,
                () -> store.readOriginal("p-6", "originals/p-6", BlobStore.sha256(upload), UPLOAD_BYTES));
    }

    @Test
    void aFailedFolderForceKeepsTheOriginalThatWasAlreadyThere() throws Exception {
        // an earlier upload with the same idempotency key stored it, and its job may be on its way
        byte[] upload = randomBytes(UPLOAD_BYTES, 7);
        store.storeOriginal("p-7", upload);
        try (StagedOriginal staged = store.stageOriginal("p-7", new ByteArrayInputStream(upload), UPLOAD_BYTES)) {
            files.fail(Op.FORCE_DIRECTORY, FaultyFileIO.under(root.resolve("originals")), 1);
            assertThrows(BlobIOException.class, staged::commit);
        }
        assertArrayEquals(upload, store.readOriginal("p-7", "originals/p-7", BlobStore.sha256(upload), UPLOAD_BYTES));
        assertEquals(List.of("p-7"), names(root.resolve("originals")));
    }

    @Test
    void storingAnOriginalWhoseForceFailsLeavesNothing() throws Exception {
        files.fail(Op.FORCE, FaultyFileIO.named(".tmp"), 1);

        BlobIOException e = assertThrows(BlobIOException.class, () -> store.storeOriginal("p-8", new byte[4096]));

        assertNamesPhotoAndTarget(e, "p-8", root.resolve("originals/p-8"));
        assertNothingIn(root.resolve("originals"));
    }

    // ---- variants and manifests ----

    /** One way a write can fail, armed on the files of one photo folder. */
    enum Fault {
        WRITE, FORCE, RENAME, DISK_FULL_MID_WRITE;

        void arm(FaultyFileIO files, String targetName) {
            switch (this) {
                case WRITE -> files.fail(Op.WRITE, FaultyFileIO.named(".tmp"), 1);
                case FORCE -> files.fail(Op.FORCE, FaultyFileIO.named(".tmp"), 1);
                case RENAME -> files.fail(Op.MOVE, FaultyFileIO.named(targetName), 1);
                case DISK_FULL_MID_WRITE -> files.diskFullAfter(100, FaultyFileIO.named(".tmp"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFailedVariantWriteLeavesThePreviousVersionWholeAndNoTemporaryFile(Fault fault) throws Exception {
        byte[] before = randomBytes(20_000, 10);
        byte[] after = randomBytes(30_000, 11);
        String path = store.writeVariant("p-10", "medium", before);
        fault.arm(files, "medium.jpg");

        BlobIOException e = assertThrows(BlobIOException.class, () -> store.writeVariant("p-10", "medium", after));

        assertNamesPhotoAndTarget(e, "p-10", root.resolve(path));
        assertArrayEquals(before, store.read("p-10", path), "the earlier version, whole");
        assertEquals(List.of("medium.jpg"), names(root.resolve("photos/p-10")));

        files.heal();
        store.writeVariant("p-10", "medium", after);
        assertArrayEquals(after, store.read("p-10", path));
        assertEquals(List.of("medium.jpg"), names(root.resolve("photos/p-10")));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFailedFirstVariantWriteLeavesNoFileAtItsPath(Fault fault) throws Exception {
        fault.arm(files, "thumb.jpg");

        BlobIOException e = assertThrows(BlobIOException.class,
                () -> store.writeVariant("p-11", "thumb", randomBytes(5000, 12)));

        assertNamesPhotoAndTarget(e, "p-11", root.resolve("photos/p-11/thumb.jpg"));
        assertNothingIn(root.resolve("photos/p-11"));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFailedManifestWriteLeavesThePreviousManifestWhole(Fault fault) throws Exception {
        byte[] jpeg = randomBytes(5000, 13);
        String path = store.writeVariant("p-12", "thumb", jpeg);
        VariantManifest before = manifest("p-12", "a", path, jpeg);
        VariantManifest after = manifest("p-12", "b", path, jpeg);
        store.writeManifest(before);
        fault.arm(files, "manifest.json");

        BlobIOException e = assertThrows(BlobIOException.class, () -> store.writeManifest(after));

        assertNamesPhotoAndTarget(e, "p-12", root.resolve("photos/p-12/manifest.json"));
        assertEquals(Optional.of(before), BlobStore.onFileSystem(root, true).readManifest("p-12"));
        assertEquals(List.of("manifest.json", "thumb.jpg"), names(root.resolve("photos/p-12")));
    }

    @Test
    void aFailedFolderForceAfterAVariantRenameLeavesTheNewVersionWhole() throws Exception {
        byte[] before = randomBytes(20_000, 14);
        byte[] after = randomBytes(30_000, 15);
        String path = store.writeVariant("p-13", "small", before);
        files.fail(Op.FORCE_DIRECTORY, FaultyFileIO.under(root.resolve("photos/p-13")), 1);

        BlobIOException e = assertThrows(BlobIOException.class, () -> store.writeVariant("p-13", "small", after));

        assertNamesPhotoAndTarget(e, "p-13", root.resolve(path));
        byte[] now = store.read("p-13", path);
        assertArrayEquals(after, now, "renamed whole before the folder force failed");
        assertEquals(List.of("small.jpg"), names(root.resolve("photos/p-13")));
    }

    // ---- helpers ----

    private static void assertNamesPhotoAndTarget(BlobIOException e, String photoId, Path target) {
        assertEquals(target, e.path());
        assertTrue(e.getMessage().contains("photo " + photoId), e.getMessage());
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
    }

    private static VariantManifest manifest(String photoId, String sourceDigit, String path, byte[] jpeg) {
        return new VariantManifest(photoId, sourceDigit.repeat(64), List.of(new VariantManifest.Entry("thumb",
                "thumb:crop:150x150:0.85", path, 150, 150, jpeg.length, BlobStore.sha256(jpeg))));
    }

    private static void assertNothingIn(Path dir) throws IOException {
        assertEquals(List.of(), names(dir), "neither a file at the target nor a temporary file in " + dir);
    }

    static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code bytes} as a stream that runs {@code arm} once more than {@code after} bytes were read. */
    private static InputStream armAfter(byte[] bytes, int after, Runnable arm) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            private long read;
            private boolean armed;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                read += Math.max(0, n);
                if (!armed && read > after) {
                    armed = true;
                    arm.run();
                }
                return n;
            }
        };
    }
}
