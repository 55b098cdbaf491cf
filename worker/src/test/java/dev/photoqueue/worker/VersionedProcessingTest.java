package dev.photoqueue.worker;

import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.blob.VariantManifest;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.Pixels;
import dev.photoqueue.worker.image.Quadrants;
import dev.photoqueue.worker.image.SampleImages;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.PhotoProcessed.ProcessedVariant;
import dev.photoqueue.worker.job.PhotoUploaded;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.worker.ProcessedFiles.contents;
import static dev.photoqueue.worker.ProcessedFiles.fileKeys;
import static dev.photoqueue.worker.image.Quadrants.assertQuadrants;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Idempotence per worker version, on real files: the faulty v2 renders upside down into files of
 * its own, the fixed v3 re-renders what v2 made (beside it, touching nothing of v2's or v1's) and
 * skips what it made itself.
 */
class VersionedProcessingTest {

    @TempDir
    Path root;
    private BlobStore blobs;
    private PhotoProcessor v1;

    @BeforeEach
    void setUp() {
        blobs = BlobStore.onFileSystem(root, true);
        v1 = PhotoProcessor.of(blobs, ImagePipeline.DEFAULT_MAX_PIXELS, VariantSpec.DEFAULTS, 64L << 20);
    }

    @Test
    void theFaultyVersionRendersUpsideDownIntoFilesOfItsOwn() throws Exception {
        PhotoUploaded job = upload("flip", Quadrants.png(640, 480));

        PhotoProcessor.Result bad = v1.withVersion(WorkerVersion.V2).process(job);

        assertFalse(bad.duplicate());
        for (ProcessedVariant v : bad.variants()) {
            assertEquals("photos/flip/v2/" + v.name() + ".jpg", v.path());
            assertQuadrants(SampleImages.decode(Files.readAllBytes(root.resolve(v.path()))), true, v.path());
        }
        assertTrue(Files.exists(root.resolve("photos/flip/v2/manifest.json")));
        assertFalse(Files.exists(root.resolve("photos/flip/thumb.jpg")), "v2 wrote into v1's files");
        assertFalse(Files.exists(root.resolve("photos/flip/manifest.json")), "v2 wrote v1's manifest");
    }

    @Test
    void theFixedVersionReRendersWhatTheFaultyOneMadeAndSkipsWhatItMadeItself() throws Exception {
        PhotoUploaded job = upload("heal", Quadrants.png(640, 480));
        PhotoProcessor.Result bad = v1.withVersion(WorkerVersion.V2).process(job);
        List<Object> badKeys = fileKeys(root, bad);
        List<byte[]> badBytes = contents(root, bad);

        PhotoProcessor v3 = v1.withVersion(WorkerVersion.V3);
        PhotoProcessor.Result fixed = v3.process(job);

        assertFalse(fixed.duplicate(), "v3 took v2's variants for its own");
        for (ProcessedVariant v : fixed.variants()) {
            assertEquals("photos/heal/v3/" + v.name() + ".jpg", v.path());
            assertQuadrants(SampleImages.decode(Files.readAllBytes(root.resolve(v.path()))), false, v.path());
        }
        assertEquals(badKeys, fileKeys(root, bad), "v3 rewrote v2's files");
        for (int i = 0; i < badBytes.size(); i++) {
            assertArrayEquals(badBytes.get(i), contents(root, bad).get(i));
        }

        List<Object> fixedKeys = fileKeys(root, fixed);
        PhotoProcessor.Result again = v3.process(job);
        assertTrue(again.duplicate(), "v3 did its own job twice");
        assertEquals(fixed.variants(), again.variants());
        assertEquals(fixedKeys, fileKeys(root, again), "a duplicate rewrote a file");
    }

    @Test
    void theFixedVersionRendersTheSameBytesAsTheFirstAndTheFaultyOneTheSameTurnedHalfATurn() throws Exception {
        byte[] source = SampleImages.photo("Dune.jpg");
        PhotoProcessor.Result first = v1.process(upload("dune", source));
        PhotoProcessor.Result faulty = v1.withVersion(WorkerVersion.V2).process(upload("dune", source));
        PhotoProcessor.Result fixed = v1.withVersion(WorkerVersion.V3).process(upload("dune", source));

        assertEquals("photos/dune/thumb.jpg", first.variants().get(0).path(), "v1 keeps the layout it always had");
        for (int i = 0; i < first.variants().size(); i++) {
            assertArrayEquals(contents(root, first).get(i), contents(root, fixed).get(i),
                    first.variants().get(i).name());
            BufferedImage upright = SampleImages.decode(contents(root, first).get(i));
            BufferedImage turned = SampleImages.decode(contents(root, faulty).get(i));
            // JPEG blocks fall on other pixels once turned, so a small difference remains
            double apart = Pixels.meanDifference(upright, halfTurn(turned));
            double asIs = Pixels.meanDifference(upright, turned);
            assertTrue(apart < 8 && asIs > 2 * apart, first.variants().get(i).name() + " differs from the upright one "
                    + "by " + asIs + ", turned back by " + apart);
        }
    }

    @Test
    void aManifestOfAnotherVersionIsNotTakenForThisVersionsOwn() throws Exception {
        PhotoUploaded job = upload("copy", Quadrants.png(320, 240));
        v1.withVersion(WorkerVersion.V2).process(job);
        Files.createDirectories(root.resolve("photos/copy/v3"));
        Files.copy(root.resolve("photos/copy/v2/manifest.json"), root.resolve("photos/copy/v3/manifest.json"));

        assertEquals(java.util.Optional.empty(), blobs.readManifest("copy", "v3"));
        assertFalse(v1.withVersion(WorkerVersion.V3).process(job).duplicate());
    }

    @Test
    void aManifestWrittenBeforeVersionsExistedBelongsToTheFirstVersion() throws Exception {
        PhotoUploaded job = upload("old", Quadrants.png(320, 240));
        PhotoProcessor.Result result = v1.process(job);
        Path manifest = root.resolve("photos/old/manifest.json");
        String text = Files.readString(manifest);
        assertTrue(text.contains("\"version\":\"v1\""), text);
        Files.writeString(manifest, text.replace("\"version\":\"v1\",", ""));

        VariantManifest read = blobs.readManifest("old").orElseThrow();
        assertNull(read.version());
        assertEquals(BlobStore.ORIGINAL_VERSION, read.madeBy());
        assertTrue(v1.process(job).duplicate());
        assertEquals(result.variants(), v1.process(job).variants());
    }

    @Test
    void versionNamesAreCheckedAndNamedInTheError() {
        assertEquals(WorkerVersion.V3, WorkerVersion.parse("workerVersion", " V3 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerVersion.parse("workerVersion", "v9"));
        assertEquals("workerVersion must be one of v1, v2, v3, was 'v9'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> blobs.variantPath("p", "../v2", "thumb"));
        assertEquals(WorkerVersion.V2, WorkerConfig.fromSettings(Map.of("worker.version", "v2")).version());
        assertEquals(WorkerVersion.V1, WorkerConfig.defaults().version());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> WorkerEnvironment.from(Map.of("WORKER_VERSION", "fixed"), new java.util.Properties()));
        assertEquals("WORKER_VERSION must be one of v1, v2, v3, was 'fixed'", env.getMessage());
        assertEquals(WorkerVersion.V3,
                WorkerEnvironment.from(Map.of("WORKER_VERSION", "v3"), new java.util.Properties()).worker().version());
    }

    private static BufferedImage halfTurn(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.setRGB(image.getWidth() - 1 - x, image.getHeight() - 1 - y, image.getRGB(x, y));
            }
        }
        return out;
    }

    private PhotoUploaded upload(String photoId, byte[] bytes) {
        String location = blobs.storeOriginal(photoId, bytes);
        return new PhotoUploaded(photoId, location, BlobStore.sha256(bytes), Instant.now(), "u1", "Porto");
    }
}
