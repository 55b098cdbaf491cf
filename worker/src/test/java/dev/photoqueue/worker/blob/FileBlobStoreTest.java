package dev.photoqueue.worker.blob;

import dev.photoqueue.worker.job.PhotoJobException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class FileBlobStoreTest {

    @TempDir
    Path root;

    @Test
    void storesAndReadsAnOriginalCheckingItsDigest() {
        BlobStore store = BlobStore.onFileSystem(root, true);
        byte[] bytes = "original bytes".getBytes(StandardCharsets.UTF_8);
        String location = store.storeOriginal("p-1", bytes);
        assertEquals("originals/p-1", location);
        assertArrayEquals(bytes, store.readOriginal("p-1", location, FileBlobStore.sha256(bytes), 1024));

        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> store.readOriginal("p-1", location, "0".repeat(64), 1024));
        assertEquals(FileBlobStore.sha256(bytes), e.actual());
        assertFalse(e.permanent());
    }

    @Test
    void aStagedOriginalIsInvisibleUntilCommittedAndCarriesTheDigestOfWhatWasStreamed() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, true);
        byte[] bytes = new byte[300_000];
        new java.util.Random(7).nextBytes(bytes);
        try (StagedOriginal staged = store.stageOriginal("p-9", new java.io.ByteArrayInputStream(bytes), 1 << 20)) {
            assertFalse(Files.exists(root.resolve("originals/p-9")), "nothing at the original's place before commit");
            assertArrayEquals(bytes, Files.readAllBytes(staged.path()));
            assertEquals(bytes.length, staged.size());
            assertEquals(FileBlobStore.sha256(bytes), staged.sha256());
            assertEquals("originals/p-9", staged.commit());
        }
        assertArrayEquals(bytes, store.readOriginal("p-9", "originals/p-9", FileBlobStore.sha256(bytes), 1 << 20));
        assertEquals(List.of("p-9"), names(root.resolve("originals")), "no temporary file is left");
    }

    @Test
    void aStagedOriginalClosedUncommittedOrOverTheLimitLeavesNothingBehind() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, true);
        try (StagedOriginal staged = store.stageOriginal("p-10", new java.io.ByteArrayInputStream(new byte[1000]), 1000)) {
            assertTrue(Files.exists(staged.path()));
        }
        SourceTooLargeException e = assertThrows(SourceTooLargeException.class,
                () -> store.stageOriginal("p-11", new java.io.ByteArrayInputStream(new byte[200_000]), 100_000));
        assertEquals(100_000, e.maxBytes());
        assertTrue(e.size() > 100_000, "the size counted when the limit was passed: " + e.size());
        assertEquals(List.of(), names(root.resolve("originals")));
    }

    @Test
    void temporaryFilesOfWritesKilledLongAgoAreDeletedAndRecentOnesKept() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, true);
        store.storeOriginal("p-12", new byte[]{1});
        store.writeVariant("p-12", "thumb", new byte[]{2});
        Path oldOriginal = Files.write(root.resolve("originals/.p-13.123.tmp"), new byte[]{3});
        Path oldVariant = Files.write(root.resolve("photos/p-12/.thumb.jpg.456.tmp"), new byte[]{4});
        Path recent = Files.write(root.resolve("originals/.p-14.789.tmp"), new byte[]{5});
        java.nio.file.attribute.FileTime twoHoursAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(2)));
        Files.setLastModifiedTime(oldOriginal, twoHoursAgo);
        Files.setLastModifiedTime(oldVariant, twoHoursAgo);

        assertEquals(2, store.deleteAbandonedTemporaryFiles(java.time.Duration.ofHours(1)));
        assertEquals(List.of(".p-14.789.tmp", "p-12"), names(root.resolve("originals")));
        assertEquals(List.of("thumb.jpg"), names(root.resolve("photos/p-12")));
        assertTrue(Files.exists(recent));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aMissingOriginalIsTransientAndAnOversizedOnePermanent() {
        BlobStore store = BlobStore.onFileSystem(root, false);
        BlobNotFoundException missing = assertThrows(BlobNotFoundException.class,
                () -> store.readOriginal("p-2", "originals/p-2", "0".repeat(64), 1024));
        assertFalse(missing.permanent());
        assertEquals(root.toAbsolutePath().resolve("originals/p-2"), missing.path());

        store.storeOriginal("p-3", new byte[2048]);
        SourceTooLargeException large = assertThrows(SourceTooLargeException.class,
                () -> store.readOriginal("p-3", "originals/p-3", "0".repeat(64), 1024));
        assertTrue(large.permanent());
        assertEquals(2048, large.size());
        assertEquals(1024, large.maxBytes());
    }

    @Test
    void refusesPhotoIdsAndLocationsThatWouldLeaveTheRoot() {
        BlobStore store = BlobStore.onFileSystem(root.resolve("blobs"), false);
        for (String id : List.of("../evil", "a/b", "..", ".", "", " x", "a\\b", "x".repeat(129))) {
            PhotoJobException e = assertThrows(InvalidPhotoIdException.class,
                    () -> store.writeVariant(id, "thumb", new byte[1]), id);
            assertTrue(e.permanent());
        }
        assertThrows(InvalidPhotoIdException.class, () -> BlobStore.requireValidPhotoId(null));
        for (String location : List.of("../outside", "originals/../../outside", "/etc/passwd", "", ".")) {
            assertThrows(InvalidBlobLocationException.class,
                    () -> store.readOriginal("p", location, "0".repeat(64), 1024), location);
        }
        assertFalse(Files.exists(root.resolve("outside")));
    }

    @Test
    void writesVariantsUnderPhotosAndLeavesNoTemporaryFiles() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, true);
        String path = store.writeVariant("p-4", "thumb", new byte[]{1, 2, 3});
        assertEquals("photos/p-4/thumb.jpg", path);
        store.writeVariant("p-4", "thumb", new byte[]{4, 5});
        assertArrayEquals(new byte[]{4, 5}, store.read("p-4", path));
        try (Stream<Path> files = Files.list(root.resolve("photos/p-4"))) {
            assertEquals(List.of("thumb.jpg"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void concurrentWritersOfOneFileLeaveOneCompleteVersion() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, false);
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[256 * 1024];
        java.util.Arrays.fill(a, (byte) 'a');
        java.util.Arrays.fill(b, (byte) 'b');
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Future<?> first = pool.submit(() -> store.writeVariant("p-5", "medium", a));
                Future<?> second = pool.submit(() -> store.writeVariant("p-5", "medium", b));
                first.get();
                second.get();
                byte[] now = store.read("p-5", "photos/p-5/medium.jpg");
                assertTrue(java.util.Arrays.equals(now, a) || java.util.Arrays.equals(now, b), "a torn file");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manifestSurvivesReopeningAndFilesMatchOnlyWhileUnchanged() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, true);
        byte[] jpeg = {9, 8, 7};
        String path = store.writeVariant("p-6", "thumb", jpeg);
        VariantManifest manifest = new VariantManifest("p-6", "a".repeat(64), List.of(
                new VariantManifest.Entry("thumb", "thumb:crop:150x150:0.85", path, 150, 150, jpeg.length,
                        FileBlobStore.sha256(jpeg))));
        assertEquals(Optional.empty(), store.readManifest("p-6"));
        store.writeManifest(manifest);

        BlobStore reopened = BlobStore.onFileSystem(root, true);
        assertEquals(Optional.of(manifest), reopened.readManifest("p-6"));
        assertTrue(reopened.filesMatch(manifest));

        Files.write(root.resolve(path), new byte[]{9, 8, 6});
        assertFalse(reopened.filesMatch(manifest), "same size, other bytes");
        Files.delete(root.resolve(path));
        assertFalse(reopened.filesMatch(manifest), "missing file");
    }

    @Test
    void aFailingWriteIsATransientErrorNamingThePath() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, false);
        Files.createDirectories(root.resolve("photos"));
        Files.writeString(root.resolve("photos/p-8"), "a file where the photo's folder should be");
        BlobIOException e = assertThrows(BlobIOException.class, () -> store.writeVariant("p-8", "thumb", new byte[1]));
        assertFalse(e.permanent());
        assertEquals(root.toAbsolutePath().resolve("photos/p-8/thumb.jpg"), e.path());
        assertTrue(e.getMessage().contains("p-8"), e.getMessage());
    }

    @Test
    void anUnreadableManifestCountsAsNone() throws Exception {
        BlobStore store = BlobStore.onFileSystem(root, false);
        Files.createDirectories(root.resolve("photos/p-7"));
        Files.writeString(root.resolve("photos/p-7/manifest.json"), "{ half a manif");
        assertEquals(Optional.empty(), store.readManifest("p-7"));
    }
}
