package dev.photoqueue.worker;

import dev.photoqueue.worker.blob.BlobNotFoundException;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.blob.DigestMismatchException;
import dev.photoqueue.worker.blob.InvalidPhotoIdException;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.NotAnImageException;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.image.TooManyPixelsException;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.PhotoJobException;
import dev.photoqueue.worker.job.PhotoProcessed.ProcessedVariant;
import dev.photoqueue.worker.job.PhotoUploaded;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.photoqueue.worker.ProcessedFiles.contents;
import static dev.photoqueue.worker.ProcessedFiles.fileKeys;
import static org.junit.jupiter.api.Assertions.*;

class PhotoProcessorTest {

    @TempDir
    Path root;
    private BlobStore blobs;
    private PhotoProcessor processor;

    @BeforeEach
    void setUp() {
        blobs = BlobStore.onFileSystem(root, true);
        processor = PhotoProcessor.of(blobs, ImagePipeline.DEFAULT_MAX_PIXELS, VariantSpec.DEFAULTS, 64L << 20);
    }

    private PhotoUploaded upload(String photoId, byte[] bytes) {
        String location = blobs.storeOriginal(photoId, bytes);
        return new PhotoUploaded(photoId, location, BlobStore.sha256(bytes), Instant.now(), "u1", "Porto");
    }

    @Test
    void writesEveryVariantUnderThePhotosFolderAndReportsItsSize() throws Exception {
        PhotoProcessor.Result result = processor.process(upload("aqua", SampleImages.photo("Aqua.jpg")));
        assertFalse(result.duplicate());
        assertEquals(List.of("thumb", "small", "medium"), result.variants().stream().map(ProcessedVariant::name).toList());
        for (ProcessedVariant v : result.variants()) {
            Path file = root.resolve(v.path());
            assertEquals(Path.of("photos", "aqua", v.name() + ".jpg"), root.relativize(file));
            assertEquals(v.bytes(), Files.size(file));
            BufferedImage image = SampleImages.decode(Files.readAllBytes(file));
            assertEquals(List.of(v.width(), v.height()), List.of(image.getWidth(), image.getHeight()));
        }
        assertTrue(result.timings().totalMicros() >= result.timings().decodeMicros());
        assertTrue(Files.exists(root.resolve("photos/aqua/manifest.json")));
    }

    @Test
    void theSameJobTwiceLeavesTheSameFilesUntouchedAndIsADuplicate() throws Exception {
        PhotoUploaded job = upload("garden", SampleImages.photo("Garden.jpg"));
        PhotoProcessor.Result first = processor.process(job);
        List<byte[]> bytes = contents(root, first);
        List<Object> identities = fileKeys(root, first);

        PhotoProcessor.Result second = processor.process(job);

        assertTrue(second.duplicate());
        assertEquals(first.variants(), second.variants());
        for (int i = 0; i < bytes.size(); i++) {
            assertArrayEquals(bytes.get(i), contents(root, second).get(i));
        }
        assertEquals(identities, fileKeys(root, second), "a duplicate rewrote a file");
    }

    @Test
    void processingAgainFromScratchGivesIdenticalBytes() throws Exception {
        PhotoUploaded job = upload("meadow", SampleImages.photo("GreenMeadow.jpg"));
        List<byte[]> first = contents(root, processor.process(job));
        Files.delete(root.resolve("photos/meadow/manifest.json"));

        PhotoProcessor.Result again = processor.process(job);

        assertFalse(again.duplicate());
        List<byte[]> second = contents(root, again);
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i));
        }
    }

    @Test
    void aDamagedVariantOrANewSourceIsNotADuplicate() throws Exception {
        PhotoUploaded job = upload("wings", SampleImages.photo("TwoWings.jpg"));
        byte[] thumb = contents(root, processor.process(job)).get(0);
        Path thumbFile = root.resolve("photos/wings/thumb.jpg");
        Files.write(thumbFile, "damaged".getBytes(StandardCharsets.UTF_8));

        assertFalse(processor.process(job).duplicate());
        assertArrayEquals(thumb, Files.readAllBytes(thumbFile));

        PhotoUploaded replaced = upload("wings", SampleImages.photo("LadyBird.jpg"));
        PhotoProcessor.Result result = processor.process(replaced);
        assertFalse(result.duplicate());
        assertFalse(java.util.Arrays.equals(thumb, Files.readAllBytes(thumbFile)));
    }

    @Test
    void changedVariantSpecsAreNotADuplicate() {
        PhotoUploaded job = upload("dune", SampleImages.photo("Dune.jpg"));
        processor.process(job);
        PhotoProcessor wider = PhotoProcessor.of(blobs, ImagePipeline.DEFAULT_MAX_PIXELS,
                List.of(VariantSpec.crop("thumb", 200, 200)), 64L << 20);
        PhotoProcessor.Result result = wider.process(job);
        assertFalse(result.duplicate());
        assertEquals(200, result.variants().get(0).width());
    }

    @Test
    void classifiesFailuresAsPermanentOrTransient() {
        byte[] text = "just some text".getBytes(StandardCharsets.UTF_8);
        assertPermanent(NotAnImageException.class, upload("text", text));
        assertPermanent(TooManyPixelsException.class, upload("bomb", SampleImages.pngDeclaring(100_000, 100_000)));
        assertPermanent(InvalidPhotoIdException.class,
                new PhotoUploaded("../escape", "originals/x", BlobStore.sha256(text), Instant.now(), null, null));

        PhotoUploaded missing = new PhotoUploaded("later", "originals/later", BlobStore.sha256(text), Instant.now(),
                null, null);
        assertTransient(BlobNotFoundException.class, missing);
        PhotoUploaded wrongDigest = new PhotoUploaded("text", "originals/text", "0".repeat(64), Instant.now(), null,
                null);
        assertTransient(DigestMismatchException.class, wrongDigest);
        assertFalse(Files.exists(root.resolve("photos/text")), "a failed job left files");
    }

    private void assertPermanent(Class<? extends PhotoJobException> type, PhotoUploaded job) {
        PhotoJobException e = assertThrows(type, () -> processor.process(job));
        assertTrue(e.permanent(), e.getMessage());
        assertEquals(job.photoId(), e.photoId());
    }

    private void assertTransient(Class<? extends PhotoJobException> type, PhotoUploaded job) {
        PhotoJobException e = assertThrows(type, () -> processor.process(job));
        assertFalse(e.permanent(), e.getMessage());
    }
}
