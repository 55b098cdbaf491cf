package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.photoqueue.worker.image.Pixels.*;
import static dev.photoqueue.worker.image.SampleImages.*;
import static org.junit.jupiter.api.Assertions.*;

/** The pipeline with libjpeg-turbo for JPEGs; {@link ImagePipelineOnImageIoTest} runs every test with ImageIO. */
class ImagePipelineTest {

    private static final VariantSpec WHOLE = VariantSpec.longestEdge("whole", 4096);
    private final ImagePipeline pipeline = pipeline(ImagePipeline.DEFAULT_MAX_PIXELS);

    JpegCodec codec() {
        return JpegCodec.TURBO;
    }

    private ImagePipeline pipeline(long maxPixels) {
        return new ImagePipeline(maxPixels, codec());
    }

    /** What the pipeline makes of {@code bytes} at full size, decoded back for comparing with the source. */
    private BufferedImage renderWhole(byte[] bytes) {
        return decode(pipeline.render("p", bytes, List.of(WHOLE)).variants().get(0).jpeg());
    }

    static List<String> photoNames() {
        return SampleImages.photoNames();
    }

    @ParameterizedTest
    @MethodSource("photoNames")
    void rendersEveryRealSamplePhotoToTheDefaultVariantSizes(String name) {
        byte[] bytes = photo(name);
        ImageHeader header = pipeline.probe(name, bytes);
        RenderedPhoto photo = pipeline.render("p1", bytes, VariantSpec.DEFAULTS);

        assertEquals(ImageFormat.JPEG, photo.header().format());
        int w = header.width();
        int h = header.height();
        RenderedVariant thumb = photo.variants().get(0);
        RenderedVariant small = photo.variants().get(1);
        RenderedVariant medium = photo.variants().get(2);
        assertEquals(List.of(150, 150), List.of(thumb.width(), thumb.height()));
        assertEquals(List.of(320, (int) Math.round(h * 320.0 / w)), List.of(small.width(), small.height()));
        double scale = 1024.0 / Math.max(w, h);
        assertEquals(List.of((int) Math.round(w * scale), (int) Math.round(h * scale)),
                List.of(medium.width(), medium.height()));
        for (RenderedVariant v : photo.variants()) {
            BufferedImage decoded = decode(v.jpeg());
            assertEquals(v.width(), decoded.getWidth(), v.spec().name());
            assertEquals(v.height(), decoded.getHeight(), v.spec().name());
        }
    }

    @Test
    void theSameBytesAndSpecsGiveTheSameOutputBytes() {
        byte[] bytes = photo("GreenMeadow.jpg");
        RenderedPhoto first = pipeline.render("p1", bytes, VariantSpec.DEFAULTS);
        RenderedPhoto second = pipeline(ImagePipeline.DEFAULT_MAX_PIXELS).render("p1", bytes,
                VariantSpec.DEFAULTS);
        for (int i = 0; i < first.variants().size(); i++) {
            assertArrayEquals(first.variants().get(i).jpeg(), second.variants().get(i).jpeg());
        }
    }

    @Test
    void decodesTheProgressiveSamplePhoto() {
        byte[] bytes = photo("FreshFlower.jpg");
        assertTrue(isProgressive(bytes), "FreshFlower.jpg is documented as progressive");
        BufferedImage source = scaledPhoto("FreshFlower.jpg", 400, 300);
        byte[] progressive = progressiveJpeg(source);
        assertTrue(isProgressive(progressive));
        BufferedImage out = renderWhole(progressive);
        assertTrue(meanDifference(source, out) < 6, "differs by " + meanDifference(source, out));
    }

    @Test
    void turnsExifRotatedJpegsUpright() {
        BufferedImage source = scaledPhoto("LadyBird.jpg", 240, 160);
        byte[] plain = jpeg(source);
        BufferedImage stored = decode(plain);
        for (int orientation = 1; orientation <= 8; orientation++) {
            byte[] rotated = withExifOrientation(plain, orientation, orientation % 2 == 0);
            RenderedPhoto photo = pipeline.render("p", rotated, List.of(WHOLE));
            assertEquals(orientation, photo.orientation());
            BufferedImage out = decode(photo.variants().get(0).jpeg());
            BufferedImage expected = new AffineTransformOp(exifTransform(orientation, 240, 160),
                    AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(stored, null);
            assertEquals(expected.getWidth(), out.getWidth(), "orientation " + orientation);
            assertEquals(expected.getHeight(), out.getHeight(), "orientation " + orientation);
            double diff = meanDifference(expected, out);
            assertTrue(diff < 6, "orientation " + orientation + " differs by " + diff);
        }
        assertEquals(List.of(160, 240), List.of(
                pipeline.render("p", withExifOrientation(plain, 6, true), List.of(WHOLE)).variants().get(0).width(),
                pipeline.render("p", withExifOrientation(plain, 6, true), List.of(WHOLE)).variants().get(0).height()));
    }

    @Test
    void decodesCmykAndYcckJpegsWithTheirColours() {
        BufferedImage source = scaledPhoto("GreenMeadow.jpg", 320, 256);
        for (boolean ycck : new boolean[]{false, true}) {
            byte[] bytes = adobeJpeg(source, ycck);
            BufferedImage out = renderWhole(bytes);
            double diff = meanDifference(source, out);
            assertTrue(diff < 15, (ycck ? "YCCK" : "CMYK") + " differs from the RGB source by " + diff);
        }
    }

    @Test
    void flattensPngTransparencyOnWhite() {
        BufferedImage source = scaledPhoto("Aqua.jpg", 200, 120);
        byte[] png = pngWithTransparentLeftHalf(source);
        BufferedImage out = renderWhole(png);
        double[] left = meanRgb(out, 0, 0, 90, 120);
        for (double channel : left) {
            assertTrue(channel > 250, "transparent half is not white: " + java.util.Arrays.toString(left));
        }
        double[] right = meanRgb(out, 110, 0, 90, 120);
        double[] expected = meanRgb(source, 110, 0, 90, 120);
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], right[i], 6, "opaque half channel " + i);
        }
    }

    @Test
    void takesTheFirstFrameOfAGif() {
        BufferedImage source = scaledPhoto("GreenMeadow.jpg", 160, 128);
        byte[] gif = twoFrameGif(source);
        BufferedImage out = renderWhole(gif);
        double[] mean = meanRgb(out, 0, 0, 160, 128);
        double[] expected = meanRgb(source, 0, 0, 160, 128);
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], mean[i], 12, "channel " + i + " of " + java.util.Arrays.toString(mean));
        }
    }

    @Test
    void decodesBmp() {
        BufferedImage source = scaledPhoto("Garden.jpg", 300, 188);
        byte[] bmp = encode(source, "bmp");
        RenderedPhoto photo = pipeline.render("p", bmp, List.of(WHOLE));
        assertEquals(ImageFormat.BMP, photo.header().format());
        assertTrue(meanDifference(source, decode(photo.variants().get(0).jpeg())) < 6);
    }

    @Test
    void decodesSixteenBitColourAndGreyPngs() {
        BufferedImage source = scaledPhoto("YellowFlower.jpg", 240, 150);
        BufferedImage colour = renderWhole(sixteenBitPng(source, false));
        assertTrue(meanDifference(source, colour) < 6, "16-bit colour differs by " + meanDifference(source, colour));
        BufferedImage grey = renderWhole(sixteenBitPng(source, true));
        BufferedImage greySource = toRgb(grey(source));
        assertTrue(meanDifference(greySource, grey) < 6, "16-bit grey differs by " + meanDifference(greySource, grey));
    }

    @Test
    void keepsGreyscaleJpegsAndPngsAtTheirBrightness() {
        BufferedImage greySource = grey(scaledPhoto("Dune.jpg", 240, 150));
        for (String format : new String[]{"jpg", "png"}) {
            BufferedImage out = renderWhole(encode(greySource, format));
            double diff = meanDifference(toRgb(greySource), out);
            assertTrue(diff < 6, format + " grey differs by " + diff);
        }
    }

    @Test
    void neverUpscalesASmallImage() {
        byte[] tiny = jpeg(scaledPhoto("Aqua.jpg", 100, 80));
        RenderedPhoto photo = pipeline.render("p", tiny, VariantSpec.DEFAULTS);
        List<List<Integer>> sizes = photo.variants().stream().map(v -> List.of(v.width(), v.height())).toList();
        assertEquals(List.of(List.of(80, 80), List.of(100, 80), List.of(100, 80)), sizes);
    }

    @Test
    void rejectsATextFileAsNotAnImageWhateverItsName() {
        byte[] text = "name,city\nAda,London\n".getBytes(StandardCharsets.UTF_8);
        NotAnImageException e = assertThrows(NotAnImageException.class,
                () -> pipeline.render("photo.jpg", text, VariantSpec.DEFAULTS));
        assertEquals("6e 61 6d 65 2c 63 69 74", e.leadingBytes());
        assertTrue(e.permanent());
        assertEquals("photo.jpg", e.photoId());
    }

    @Test
    void rejectsAKnownButUnsupportedFormatByName() {
        byte[] tiff = encode(scaledPhoto("Aqua.jpg", 64, 40), "tiff");
        UnsupportedImageFormatException e = assertThrows(UnsupportedImageFormatException.class,
                () -> pipeline.render("p", tiff, VariantSpec.DEFAULTS));
        assertEquals(ImageFormat.TIFF, e.format());
        assertTrue(e.getMessage().contains("TIFF"), e.getMessage());
    }

    @Test
    void rejectsTruncatedJpegsBaselineAndProgressiveAndPngsAsCorrupt() {
        byte[] jpegHead = truncated(photo("Aqua.jpg"), 0.002);
        CorruptImageException jpegError = assertThrows(CorruptImageException.class,
                () -> pipeline.render("p", jpegHead, VariantSpec.DEFAULTS));
        assertEquals(ImageFormat.JPEG, jpegError.format());
        assertTrue(jpegError.permanent());

        for (String name : List.of("Aqua.jpg", "FreshFlower.jpg")) {
            byte[] half = truncated(photo(name), 0.5);
            CorruptImageException e = assertThrows(CorruptImageException.class,
                    () -> pipeline.render("p", half, VariantSpec.DEFAULTS), name);
            assertTrue(e.getMessage().contains("pixel data failed: the data ends early"), e.getMessage());
            assertFalse(e.getMessage().contains("java.") || e.getMessage().contains("Exception"),
                    "the dead letter's reason in words, no Java type: " + e.getMessage());
        }

        byte[] png = truncated(encode(scaledPhoto("Aqua.jpg", 200, 120), "png"), 0.5);
        CorruptImageException pngError = assertThrows(CorruptImageException.class,
                () -> pipeline.render("p", png, VariantSpec.DEFAULTS));
        assertTrue(pngError.getMessage().contains("pixel data"), pngError.getMessage());
    }

    @Test
    void rendersStripsOnePixelThinInTheirColoursNotBlack() {
        for (boolean across : List.of(true, false)) {
            int length = 4000; // more than twice the medium variant's 1024
            BufferedImage strip = new BufferedImage(across ? length : 1, across ? 1 : length, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < length; i++) {
                strip.setRGB(across ? i : 0, across ? 0 : i, i < length / 2 ? 0xFF0000 : 0x0000FF); // red, then blue
            }
            for (String format : List.of("png", "jpg")) {
                byte[] bytes = format.equals("png") ? encode(strip, "png") : jpeg(strip);
                RenderedPhoto photo = pipeline.render("p", bytes, VariantSpec.DEFAULTS);
                for (RenderedVariant v : photo.variants().subList(1, 3)) { // small and medium; thumb is 1x1
                    BufferedImage image = decode(v.jpeg());
                    int n = across ? image.getWidth() : image.getHeight();
                    String what = format + " " + strip.getWidth() + "x" + strip.getHeight() + " " + v.spec().name()
                            + " " + image.getWidth() + "x" + image.getHeight();
                    assertTrue(n > 300, what);
                    double[] first = meanRgb(image, 0, 0, across ? n / 4 : 1, across ? 1 : n / 4);
                    double[] last = across ? meanRgb(image, n - n / 4, 0, n / 4, 1) : meanRgb(image, 0, n - n / 4, 1, n / 4);
                    assertArrayEquals(new double[] {255, 0, 0}, first, 24, what + ": first quarter red");
                    assertArrayEquals(new double[] {0, 0, 255}, last, 24, what + ": last quarter blue");
                }
            }
        }
    }

    @Test
    void rendersLosslessGreyJpegsOfEightAndTwelveBitsAsStoredNotLightened() {
        for (int bits : List.of(8, 12)) {
            int max = (1 << bits) - 1;
            // black left, white right above; half grey below
            byte[] jpeg = losslessGreyJpeg(40, 30, bits, (x, y) -> y < 15 ? (x < 20 ? 0 : max) : max / 2);
            BufferedImage whole = renderWhole(jpeg);
            assertEquals(List.of(40, 30), List.of(whole.getWidth(), whole.getHeight()), bits + " bits");
            double[] black = meanRgb(whole, 4, 3, 10, 8);
            double[] white = meanRgb(whole, 24, 3, 10, 8);
            double[] grey = meanRgb(whole, 5, 19, 30, 8);
            for (int c = 0; c < 3; c++) {
                assertEquals(0, black[c], 4, bits + " bits: black, channel " + c);
                assertEquals(255, white[c], 4, bits + " bits: white, channel " + c);
                assertEquals(127.5, grey[c], 4, bits + " bits: half grey, channel " + c);
            }
        }
    }

    @Test
    void rejectsAJpegCutBeforeItsFrameHeaderAsCorrupt() {
        byte[] jpeg = jpeg(scaledPhoto("Aqua.jpg", 64, 40));
        int frame = frameHeaderOffset(jpeg);
        // after the start marker, inside the tables, and just before the frame header
        for (int cut : List.of(4, frame / 2, frame)) {
            byte[] head = Arrays.copyOf(jpeg, cut);
            CorruptImageException e = assertThrows(CorruptImageException.class,
                    () -> pipeline.render("p", head, VariantSpec.DEFAULTS), "cut at " + cut + " of " + jpeg.length);
            assertEquals(ImageFormat.JPEG, e.format());
            assertTrue(e.permanent());
        }
    }

    /** Where the first SOF0 to SOF3 marker of {@code jpeg} starts. */
    private static int frameHeaderOffset(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) >= 0xC0 && (jpeg[i + 1] & 0xFF) <= 0xC3) {
                return i;
            }
        }
        throw new IllegalArgumentException("no frame header in " + jpeg.length + " bytes");
    }

    @Test
    void rendersAnArithmeticCodedJpegAndRejectsOneCutShortAsCorrupt() {
        byte[] whole = arithmeticJpeg();
        Quadrants.assertQuadrants(renderWhole(whole), false, "arithmetic-coded JPEG");

        // its data starts at byte 203: cut inside it, and short of only the end marker (the
        // decoder reads the missing bytes as zeros either way)
        for (int cut : List.of(205, whole.length - 20, whole.length - 2)) {
            byte[] cutShort = Arrays.copyOf(whole, cut);
            CorruptImageException e = assertThrows(CorruptImageException.class,
                    () -> pipeline.render("p", cutShort, VariantSpec.DEFAULTS), "cut at " + cut);
            assertTrue(e.permanent());
            assertTrue(e.getMessage().contains("pixel data failed: the data ends early"), e.getMessage());
            assertFalse(e.getMessage().contains("java.") || e.getMessage().contains("Exception"),
                    "the dead letter's reason in words, no Java type: " + e.getMessage());
        }
    }

    @Test
    void probingAFileReadsTheSameHeaderAsProbingItsBytesAndNamesTheFileSize(@TempDir Path dir) throws Exception {
        for (String name : photoNames()) {
            byte[] bytes = photo(name);
            Path file = Files.write(dir.resolve(name), bytes);
            assertEquals(pipeline.probe(name, bytes), pipeline.probe(name, file), name);
        }
        Path bomb = Files.write(dir.resolve("bomb.png"), pngDeclaring(100_000, 100_000));
        assertEquals(new ImageHeader(ImageFormat.PNG, 100_000, 100_000), pipeline.probe("bomb", bomb));

        byte[] text = "not a photo at all, only words ".repeat(100).getBytes(StandardCharsets.UTF_8);
        Path notAnImage = Files.write(dir.resolve("words.jpg"), text);
        NotAnImageException e = assertThrows(NotAnImageException.class, () -> pipeline.probe("words", notAnImage));
        assertTrue(e.getMessage().contains(text.length + " bytes"), e.getMessage());
        assertEquals("6e 6f 74 20 61 20 70 68", e.leadingBytes());

        byte[] photo = photo("Aqua.jpg");
        Path cut = Files.write(dir.resolve("cut.jpg"), java.util.Arrays.copyOf(photo, 40));
        assertThrows(CorruptImageException.class, () -> pipeline.probe("cut", cut));
    }

    @Test
    void variantsAreTheSameWhetherThePhotoIsDecodedIntoAFreshImageOrAReusedLargerOne() {
        // one pipeline renders every photo in turn, largest first, so the smaller ones decode into
        // a pooled buffer that held a larger photo; each must match a pipeline that never decoded before
        List<String> names = photoNames().stream()
                .sorted(java.util.Comparator.comparingLong((String n) -> pipeline.probe(n, photo(n)).pixels()).reversed())
                .toList();
        for (int pass = 0; pass < 2; pass++) {
            for (String name : names) {
                byte[] bytes = photo(name);
                RenderedPhoto reused = pipeline.render("p", bytes, VariantSpec.DEFAULTS);
                RenderedPhoto fresh = pipeline(ImagePipeline.DEFAULT_MAX_PIXELS)
                        .render("p", bytes, VariantSpec.DEFAULTS);
                for (int i = 0; i < fresh.variants().size(); i++) {
                    assertArrayEquals(fresh.variants().get(i).jpeg(), reused.variants().get(i).jpeg(),
                            name + " " + fresh.variants().get(i).spec().name() + ", pass " + pass);
                }
            }
        }
    }

    @Test
    void rejectsDecompressionBombsFromTheirHeaderBeforeDecoding() {
        byte[] pngBomb = pngDeclaring(100_000, 100_000);
        assertTrue(pngBomb.length < 100);
        assertEquals(new ImageHeader(ImageFormat.PNG, 100_000, 100_000), pipeline.probe("bomb", pngBomb));
        TooManyPixelsException png = assertThrows(TooManyPixelsException.class,
                () -> pipeline.render("bomb", pngBomb, VariantSpec.DEFAULTS));
        assertEquals(List.of(100_000, 100_000), List.of(png.width(), png.height()));
        assertEquals(ImagePipeline.DEFAULT_MAX_PIXELS, png.maxPixels());
        assertTrue(png.getMessage().contains("100000x100000"), png.getMessage());

        byte[] jpegBomb = jpegDeclaring(jpeg(scaledPhoto("Aqua.jpg", 64, 40)), 60_000, 60_000);
        TooManyPixelsException jpeg = assertThrows(TooManyPixelsException.class,
                () -> pipeline.render("bomb", jpegBomb, VariantSpec.DEFAULTS));
        assertEquals(List.of(60_000, 60_000), List.of(jpeg.width(), jpeg.height()));
    }

    @Test
    void ignoresAPngTextChunkThatWouldInflateBeyondTheHeap() {
        BufferedImage source = scaledPhoto("Aqua.jpg", 160, 100);
        long textBytes = Runtime.getRuntime().maxMemory() + Runtime.getRuntime().maxMemory() / 8;
        byte[] png = withCompressedTextChunk(encode(source, "png"), textBytes);
        assertTrue(png.length < textBytes / 100, png.length + " bytes");
        RenderedPhoto photo = pipeline.render("p", png, List.of(WHOLE));
        assertTrue(meanDifference(source, decode(photo.variants().get(0).jpeg())) < 6);
    }

    @Test
    void appliesThePixelLimitToTheHeaderDimensionsExactly() {
        byte[] bytes = jpeg(scaledPhoto("Aqua.jpg", 200, 100));
        assertEquals(1, pipeline(200 * 100).render("p", bytes, List.of(WHOLE)).variants().size());
        TooManyPixelsException e = assertThrows(TooManyPixelsException.class,
                () -> pipeline(200 * 100 - 1).render("p", bytes, List.of(WHOLE)));
        assertEquals(19_999, e.maxPixels());
    }

    private static BufferedImage toRgb(BufferedImage image) {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(image, 0, 0, null);
        return rgb;
    }

    /** The upright transform of EXIF orientations, written out from the EXIF specification's table. */
    private static AffineTransform exifTransform(int orientation, int w, int h) {
        AffineTransform t = new AffineTransform();
        switch (orientation) {
            case 2 -> { t.translate(w, 0); t.scale(-1, 1); }
            case 3 -> { t.translate(w, h); t.rotate(Math.PI); }
            case 4 -> { t.translate(0, h); t.scale(1, -1); }
            case 5 -> { t.rotate(Math.PI / 2); t.scale(1, -1); }
            case 6 -> { t.translate(h, 0); t.rotate(Math.PI / 2); }
            case 7 -> { t.translate(h, w); t.rotate(Math.PI / 2); t.scale(-1, 1); }
            case 8 -> { t.translate(0, w); t.rotate(-Math.PI / 2); }
            default -> { }
        }
        return t;
    }
}
