package dev.photoqueue.worker;

import dev.photoqueue.queue.env.FaultyFileIO;
import dev.photoqueue.queue.env.FaultyFileIO.Op;
import dev.photoqueue.worker.blob.BlobIOException;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.PhotoUploaded;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A job whose variant or manifest write fails (an I/O error, a failed force or rename, a full
 * disk) fails with a transient {@link BlobIOException} and writes no manifest, so it is not
 * counted done; once the disk is healthy, processing it again leaves exactly the files, byte for
 * byte, that a run without faults makes, and a third run is a duplicate.
 */
class PhotoProcessorStorageFaultTest {

    private static final String PHOTO = "garden";

    @TempDir
    Path dir;

    /** Where in the job the storage fails. */
    enum Failure {
        FIRST_VARIANT_WRITE, SECOND_VARIANT_FORCE, THIRD_VARIANT_RENAME, DISK_FULL_IN_A_VARIANT, MANIFEST_WRITE,
        MANIFEST_FORCE, MANIFEST_RENAME;

        void arm(FaultyFileIO files, Path photoFolder) {
            switch (this) {
                case FIRST_VARIANT_WRITE -> files.fail(Op.WRITE, tempOf("thumb.jpg"), 1);
                case SECOND_VARIANT_FORCE -> files.fail(Op.FORCE, tempOf("small.jpg"), 1);
                case THIRD_VARIANT_RENAME -> files.fail(Op.MOVE, FaultyFileIO.named("medium.jpg"), 1);
                case DISK_FULL_IN_A_VARIANT -> files.diskFullAfter(2000, FaultyFileIO.under(photoFolder));
                case MANIFEST_WRITE -> files.fail(Op.WRITE, tempOf("manifest.json"), 1);
                case MANIFEST_FORCE -> files.fail(Op.FORCE, tempOf("manifest.json"), 1);
                case MANIFEST_RENAME -> files.fail(Op.MOVE, FaultyFileIO.named("manifest.json"), 1);
            }
        }

        /** The temporary files a write of {@code target} goes through. */
        private static Predicate<Path> tempOf(String target) {
            return p -> p.getFileName().toString().startsWith("." + target + ".");
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void processingAgainAfterAFailedWriteLeavesTheFilesOfARunWithoutFaults(Failure failure) throws Exception {
        byte[] photo = SampleImages.photo("Garden.jpg");
        Map<String, String> expected = runWithoutFaults(photo);

        FaultyFileIO files = new FaultyFileIO();
        BlobStore blobs = BlobStore.onFileSystem(dir.resolve("faulty"), true, files);
        PhotoProcessor processor = processor(blobs);
        PhotoUploaded job = upload(blobs, photo);
        Path folder = dir.resolve("faulty/photos/" + PHOTO);
        failure.arm(files, folder);

        BlobIOException e = assertThrows(BlobIOException.class, () -> processor.process(job));

        assertTrue(files.injected() >= 1, "the fault was hit");
        assertFalse(e.permanent(), "a storage fault is retried");
        assertTrue(e.getMessage().contains(PHOTO) && e.getMessage().contains(folder.toString()), e.getMessage());
        assertTrue(blobs.readManifest(PHOTO).isEmpty(), "no manifest: the job is not counted done");
        assertTrue(contents(folder).keySet().stream().noneMatch(n -> n.endsWith(".tmp")), "" + contents(folder));

        files.heal();
        PhotoProcessor.Result again = processor.process(job);

        assertFalse(again.duplicate());
        assertEquals(expected, contents(folder), "the files of a run without faults, byte for byte");
        assertTrue(processor.process(job).duplicate(), "a third run finds the job done");
    }

    private Map<String, String> runWithoutFaults(byte[] photo) throws IOException {
        BlobStore clean = BlobStore.onFileSystem(dir.resolve("clean"), true);
        processor(clean).process(upload(clean, photo));
        Map<String, String> files = contents(dir.resolve("clean/photos/" + PHOTO));
        assertEquals(java.util.Set.of("thumb.jpg", "small.jpg", "medium.jpg", "manifest.json"), files.keySet());
        return files;
    }

    private static PhotoProcessor processor(BlobStore blobs) {
        return PhotoProcessor.of(blobs, ImagePipeline.DEFAULT_MAX_PIXELS, VariantSpec.DEFAULTS, 64L << 20);
    }

    private static PhotoUploaded upload(BlobStore blobs, byte[] bytes) {
        return new PhotoUploaded(PHOTO, blobs.storeOriginal(PHOTO, bytes), BlobStore.sha256(bytes), Instant.now(),
                "u1", "Porto", null);
    }

    /** File name to SHA-256 of its bytes, for every file in {@code folder}. */
    private static Map<String, String> contents(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(folder)) {
            return files;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                files.put(p.getFileName().toString(), BlobStore.sha256(Files.readAllBytes(p)));
            }
        }
        return files;
    }
}
