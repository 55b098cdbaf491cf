package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static dev.photoqueue.worker.image.SampleImages.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * libjpeg-turbo against ImageIO on the same photos. The turbo path decodes at a DCT scale and
 * encodes with another library, so its bytes differ; what must hold is the same variant sizes,
 * the same JPEG settings, and pixels that differ by rounding only.
 */
class JpegCodecTest {

    /**
     * The largest mean absolute difference per channel (0 to 255) allowed between a variant made
     * by each codec. Measured on the sample photos: 0.4 to 1.3 (the most on Dune.jpg, a 4:2:2
     * photo of fine sand); the same photo through ImageIO at quality 0.85 and then once more
     * differs from the first by about as much, so the rest is what any re-encoding costs. 2.0
     * leaves room for another JVM's rounding and still fails a shifted region (tens) or a
     * swapped colour channel (tens), and the 3/8 to 7/8 scales not used (up to 7.7).
     */
    private static final double MAX_MEAN_DIFFERENCE = 2.0;

    /**
     * The whole heap, one render at a time: the ImageIO render of the 12 MP photo reserves about
     * 170 MB (HeapEstimate), more than the process's budget of half this test JVM's 256 MB heap.
     */
    private static final DecodeBudget WHOLE_HEAP = new DecodeBudget(Runtime.getRuntime().maxMemory());

    private final ImagePipeline imageIo = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, JpegCodec.IMAGEIO,
            WHOLE_HEAP);
    private final ImagePipeline turbo = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, JpegCodec.TURBO,
            WHOLE_HEAP);

    static List<String> photos() {
        List<String> names = new ArrayList<>(SampleImages.photoNames());
        names.add("exif-rotated.jpg");
        return names;
    }

    @ParameterizedTest
    @MethodSource("photos")
    void turboVariantsHaveTheSizesAndNearlyThePixelsOfImageIoVariants(String name) {
        assertSameVariants(name, photo(name));
    }

    @Test
    void turboVariantsOfAPhotoTurnedByExifMatchImageIosForEveryOrientation() {
        byte[] photo = jpeg(scaledPhoto("Garden.jpg", 2400, 1500)); // decoded at 1/2 upright, full turned
        for (int orientation = 1; orientation <= 8; orientation++) {
            assertSameVariants("Garden.jpg, orientation " + orientation, withExifOrientation(photo, orientation, true));
        }
    }

    @Test
    void turboVariantsOfATwelveMegapixelPhotoMatchImageIos() {
        assertSameVariants("LadyBird.jpg at 4000x3000", jpeg(scaledPhoto("LadyBird.jpg", 4000, 3000)));
    }

    @Test
    void turboDecodesAPhotoAtTheSmallestScaleItsVariantsAllow() {
        ImageDecoder decoder = new ImageDecoder(ImagePipeline.DEFAULT_MAX_PIXELS, JpegCodec.turboLibrary().orElseThrow());
        ImageDecoder.DecodedImage half = decoder.decode("p", photo("Aqua.jpg"), VariantSpec.DEFAULTS,
                HeapAdmission.NONE);
        assertEquals(List.of(1280, 800, 2560, 1600), List.of(half.image().getWidth(), half.image().getHeight(),
                half.fullWidth(), half.fullHeight()), "2560x1600 at 1/2: 1280 still covers 1024");
        decoder.release(half);

        ImageDecoder.DecodedImage turned = decoder.decode("p", withExifOrientation(photo("Aqua.jpg"), 6, false),
                List.of(VariantSpec.crop("thumb", 150, 150)), HeapAdmission.NONE);
        assertEquals(List.of(200, 320, 1600, 2560), List.of(turned.image().getWidth(), turned.image().getHeight(),
                turned.fullWidth(), turned.fullHeight()), "1/8, turned upright");
    }

    @Test
    void turboLeavesCmykAndColourManagedJpegsToImageIoWhichConvertsTheirColours() {
        BufferedImage source = scaledPhoto("Garden.jpg", 400, 250);
        List<VariantSpec> whole = List.of(VariantSpec.longestEdge("whole", 400));
        byte[] managed = withLinearRgbProfile(jpeg(source));
        for (byte[] jpeg : List.of(adobeJpeg(source, false), adobeJpeg(source, true), managed)) {
            double difference = Pixels.meanDifference(decode(imageIo.render("p", jpeg, whole).variants().get(0).jpeg()),
                    decode(turbo.render("p", jpeg, whole).variants().get(0).jpeg()));
            assertTrue(difference <= MAX_MEAN_DIFFERENCE, "only the encoders differ: " + difference);
        }
        // the profile matters: the same samples read as sRGB are far off
        double unmanaged = Pixels.meanDifference(decode(turbo.render("p", jpeg(source), whole).variants().get(0).jpeg()),
                decode(turbo.render("p", managed, whole).variants().get(0).jpeg()));
        assertTrue(unmanaged > 10, "with and without the profile: " + unmanaged);
    }

    /**
     * Both scale libjpeg's standard tables for quality 85 to 30 %; ImageIO in floating point
     * (0.85f makes 0.2999...), libjpeg in integers, so an entry ending in exactly .5 rounds down
     * in one and up in the other: entries may differ by one, never more.
     */
    @Test
    void turboEncodesWithImageIosQuantisationTablesAndChromaSubsampling() {
        for (RenderedVariant[] pair : variantPairs(photo("Garden.jpg"))) {
            byte[] expected = segments(pair[0].jpeg(), 0xDB);
            byte[] actual = segments(pair[1].jpeg(), 0xDB);
            assertEquals(2 * 65, expected.length, "two 8-bit tables");
            assertEquals(expected.length, actual.length);
            int differing = 0;
            for (int k = 0; k < expected.length; k++) {
                int d = Math.abs((expected[k] & 0xFF) - (actual[k] & 0xFF));
                assertTrue(d <= 1, pair[0].spec().name() + ": table entry " + k + " " + expected[k] + " vs " + actual[k]);
                differing += d;
            }
            assertTrue(differing < 16, differing + " entries differ by one");
            byte[] frame = segments(pair[1].jpeg(), 0xC0);
            assertArrayEquals(segments(pair[0].jpeg(), 0xC0), frame, pair[0].spec().name() + ": baseline frame");
            assertEquals(0x22, frame[7] & 0xFF, "luma sampled 2x2, chroma once: 4:2:0");
        }
    }

    @Test
    void choosesTurboWhenItLoadsUnlessImageIoIsAskedFor() {
        assertEquals(JpegCodec.TURBO, JpegCodec.choose("", true));
        assertEquals(JpegCodec.IMAGEIO, JpegCodec.choose("", false));
        assertEquals(JpegCodec.IMAGEIO, JpegCodec.choose(" ImageIO ", true));
        assertEquals(JpegCodec.TURBO, JpegCodec.choose("turbo", true));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> JpegCodec.choose("turbo", false));
        assertTrue(missing.getMessage().contains("libturbojpeg.so.0"), missing.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> JpegCodec.choose("libvips", true));
        assertTrue(bad.getMessage().contains("'libvips'"), bad.getMessage());
    }

    private void assertSameVariants(String what, byte[] photo) {
        for (RenderedVariant[] pair : variantPairs(photo)) {
            String variant = what + " " + pair[0].spec().name();
            assertEquals(List.of(pair[0].width(), pair[0].height()), List.of(pair[1].width(), pair[1].height()), variant);
            BufferedImage expected = decode(pair[0].jpeg());
            BufferedImage actual = decode(pair[1].jpeg());
            assertEquals(List.of(pair[1].width(), pair[1].height()), List.of(actual.getWidth(), actual.getHeight()));
            double difference = Pixels.meanDifference(expected, actual);
            assertTrue(difference <= MAX_MEAN_DIFFERENCE, variant + ": mean difference " + difference);
        }
    }

    /** Each default variant of {@code photo} by ImageIO and by TurboJPEG. */
    private List<RenderedVariant[]> variantPairs(byte[] photo) {
        List<RenderedVariant> a = imageIo.render("p", photo, VariantSpec.DEFAULTS).variants();
        List<RenderedVariant> b = turbo.render("p", photo, VariantSpec.DEFAULTS).variants();
        List<RenderedVariant[]> pairs = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            pairs.add(new RenderedVariant[] {a.get(i), b.get(i)});
        }
        return pairs;
    }

    /** The payloads of every segment with {@code marker} before the first scan, one after another. */
    private static byte[] segments(byte[] jpeg, int marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i + 1] & 0xFF) != 0xDA) {
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if ((jpeg[i + 1] & 0xFF) == marker) {
                out.write(jpeg, i + 4, length - 2);
            }
            i += 2 + length;
        }
        return out.toByteArray();
    }

    /** {@code jpeg} with Java's linear-RGB ICC profile embedded: its samples mean other colours than sRGB's. */
    private static byte[] withLinearRgbProfile(byte[] jpeg) {
        byte[] profile = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        int length = 2 + 14 + profile.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE2);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes("ICC_PROFILE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(0);
        out.write(1); // chunk 1
        out.write(1); // of 1
        out.writeBytes(profile);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
