package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.photoqueue.worker.image.PngImage.GREY;
import static dev.photoqueue.worker.image.PngImage.GREY_ALPHA;
import static dev.photoqueue.worker.image.PngImage.PALETTE;
import static dev.photoqueue.worker.image.PngImage.RGB;
import static dev.photoqueue.worker.image.PngImage.RGBA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every PNG colour type and bit depth, with and without a transparent colour (tRNS) where the type
 * allows one, plain and Adam7-interlaced, decodes to the colours libvips and browsers show: samples
 * are sRGB-encoded (grey ones too), scaled exactly to 8 bits, and blended over white by their alpha.
 * The files are written here from known samples ({@link PngImage}), and each decoded pixel is
 * compared with the value worked out from those samples, never with another decoder's output.
 */
class PngColourTypesTest {

    /** Rounding differs between exact arithmetic and a decoder's integer steps by a unit or two. */
    private static final int TOLERANCE = 2;

    private final ImageDecoder decoder = new ImageDecoder(ImagePipeline.DEFAULT_MAX_PIXELS, null);

    static List<PngImage> everyKindOfPng() {
        List<PngImage> pngs = new ArrayList<>();
        for (boolean interlaced : new boolean[]{false, true}) {
            // 21x13 has pixels in each of Adam7's passes; 3x2 leaves some passes empty
            for (int[] size : new int[][]{{21, 13}, {3, 2}}) {
                for (int depth : new int[]{1, 2, 4, 8, 16}) {
                    pngs.add(grey(depth, false, size, interlaced));
                    pngs.add(grey(depth, true, size, interlaced));
                }
                for (int depth : new int[]{1, 2, 4, 8}) {
                    pngs.add(palette(depth, false, size, interlaced));
                    pngs.add(palette(depth, true, size, interlaced));
                }
                for (int depth : new int[]{8, 16}) {
                    pngs.add(rgb(depth, false, size, interlaced));
                    pngs.add(rgb(depth, true, size, interlaced));
                    pngs.add(withAlpha(GREY_ALPHA, depth, size, interlaced));
                    pngs.add(withAlpha(RGBA, depth, size, interlaced));
                }
            }
        }
        return pngs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyKindOfPng")
    void decodesEveryColourTypeAndDepthToItsSamplesFlattenedOnWhite(PngImage png) {
        ImageDecoder.DecodedImage decoded = decoder.decode("p", png.encode());
        try {
            BufferedImage image = decoded.image();
            assertEquals(List.of(png.width(), png.height()), List.of(image.getWidth(), image.getHeight()));
            int wrong = 0;
            String first = null;
            for (int y = 0; y < png.height(); y++) {
                for (int x = 0; x < png.width(); x++) {
                    int expected = expectedOnWhite(png, x, y);
                    int actual = image.getRGB(x, y);
                    if (!close(expected, actual)) {
                        wrong++;
                        if (first == null) {
                            first = "(" + x + "," + y + ") samples " + samplesAt(png, x, y) + ": expected "
                                    + rgbText(expected) + ", decoded " + rgbText(actual);
                        }
                    }
                }
            }
            if (wrong > 0) {
                fail(wrong + " of " + png.width() * png.height() + " pixels differ by more than " + TOLERANCE
                        + "; the first at " + first);
            }
        } finally {
            decoder.release(decoded);
        }
    }

    /**
     * The worker's whole path for a grey photo with an alpha channel: decoded, scaled into the
     * default variants and written as JPEG. Each horizontal band keeps its tone in every variant
     * (the thumbnail's crop keeps all rows of a landscape source).
     */
    @Test
    void greyWithAlphaKeepsItsTonesInEveryDefaultVariant() {
        int[][] bands = {{0, 128}, {60, 200}, {128, 64}, {200, 255}, {255, 0}, {30, 90}}; // grey, alpha of 255
        int w = 400;
        int bandHeight = 50;
        int h = bands.length * bandHeight;
        ImagePipeline pipeline = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS);
        for (int depth : new int[]{8, 16}) {
            int scale = depth == 16 ? 257 : 1;
            int[] samples = new int[w * h * 2];
            for (int y = 0; y < h; y++) {
                int[] band = bands[y / bandHeight];
                for (int x = 0; x < w; x++) {
                    samples[(y * w + x) * 2] = band[0] * scale;
                    samples[(y * w + x) * 2 + 1] = band[1] * scale;
                }
            }
            byte[] png = new PngImage(GREY_ALPHA, depth, w, h, samples, null, null, false).encode();
            RenderedPhoto photo = pipeline.render("p", png, VariantSpec.DEFAULTS);
            assertEquals(VariantSpec.DEFAULTS.size(), photo.variants().size());
            for (RenderedVariant variant : photo.variants()) {
                BufferedImage out = SampleImages.decode(variant.jpeg());
                double rowsPerBand = (double) out.getHeight() / bands.length;
                for (int b = 0; b < bands.length; b++) {
                    double expected = onWhite(bands[b][0] / 255.0, bands[b][1] / 255.0);
                    int top = (int) Math.ceil(b * rowsPerBand + rowsPerBand / 4);
                    int rows = Math.max(1, (int) (rowsPerBand / 2));
                    double[] mean = Pixels.meanRgb(out, 0, top, out.getWidth(), rows);
                    for (int c = 0; c < 3; c++) {
                        assertEquals(expected, mean[c], 3, depth + "-bit " + variant.spec().name() + " band " + b
                                + " (grey " + bands[b][0] + ", alpha " + bands[b][1] + ") channel " + c);
                    }
                }
            }
        }
    }

    @Test
    void ignoresATransparentColourChunkOfTheWrongLengthAsLibpngDoes() {
        PngImage keyed = grey(8, true, new int[]{21, 13}, false);
        // two grey keys make a 4-byte tRNS chunk where the standard allows 2: the image stays opaque
        int[] twoKeys = {keyed.transparency()[0], keyed.transparency()[0]};
        PngImage wrongLength = new PngImage(GREY, 8, 21, 13, keyed.samples(), null, twoKeys, false);
        PngImage opaque = new PngImage(GREY, 8, 21, 13, keyed.samples(), null, null, false);
        ImageDecoder.DecodedImage decoded = decoder.decode("p", wrongLength.encode());
        try {
            for (int y = 0; y < 13; y++) {
                for (int x = 0; x < 21; x++) {
                    assertTrue(close(expectedOnWhite(opaque, x, y), decoded.image().getRGB(x, y)),
                            "(" + x + "," + y + ") " + rgbText(decoded.image().getRGB(x, y)));
                }
            }
        } finally {
            decoder.release(decoded);
        }
    }

    @Test
    void rejectsATruncatedPngWithATransparentColourAsCorrupt() {
        byte[] png = grey(16, true, new int[]{21, 13}, true).encode();
        byte[] half = java.util.Arrays.copyOf(png, png.length / 2);
        CorruptImageException e = assertThrows(CorruptImageException.class, () -> decoder.decode("p", half));
        assertEquals(ImageFormat.PNG, e.format());
        assertTrue(e.getMessage().contains("pixel data"), e.getMessage());
    }

    @Test
    void theTestsPngsCarryTheSamplesTheyWereGiven() {
        // the expectations stand on PngImage packing samples as the standard says: check a known file
        PngImage twoBit = new PngImage(GREY, 2, 5, 1, new int[]{0, 1, 2, 3, 1}, null, null, false);
        byte[] file = twoBit.encode();
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        int idat = indexOf(file, "IDAT") + 4;
        inflater.setInput(file, idat, file.length - idat);
        byte[] row = new byte[3];
        try {
            assertEquals(3, inflater.inflate(row));
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        } finally {
            inflater.end();
        }
        // filter byte 0, then 00 01 10 11 | 01 00 00 00
        assertEquals(List.of(0, 0b00011011, 0b01000000), List.of(row[0] & 255, row[1] & 255, row[2] & 255));
    }

    // ---- the expected colour of a pixel, from its samples alone

    static int expectedOnWhite(PngImage png, int x, int y) {
        double max = png.maxSample();
        double r;
        double g;
        double b;
        double alpha = 1;
        int[] trns = png.transparency();
        switch (png.colourType()) {
            case GREY -> {
                int s = png.sample(x, y, 0);
                r = g = b = s / max;
                alpha = trns != null && s == trns[0] ? 0 : 1;
            }
            case GREY_ALPHA -> {
                r = g = b = png.sample(x, y, 0) / max;
                alpha = png.sample(x, y, 1) / max;
            }
            case RGB, RGBA -> {
                int sr = png.sample(x, y, 0);
                int sg = png.sample(x, y, 1);
                int sb = png.sample(x, y, 2);
                r = sr / max;
                g = sg / max;
                b = sb / max;
                if (png.colourType() == RGBA) {
                    alpha = png.sample(x, y, 3) / max;
                } else if (trns != null && sr == trns[0] && sg == trns[1] && sb == trns[2]) {
                    alpha = 0;
                }
            }
            case PALETTE -> {
                int index = png.sample(x, y, 0);
                int rgb = png.palette()[index];
                r = ((rgb >> 16) & 255) / 255.0;
                g = ((rgb >> 8) & 255) / 255.0;
                b = (rgb & 255) / 255.0;
                alpha = trns != null && index < trns.length ? trns[index] / 255.0 : 1;
            }
            default -> throw new IllegalArgumentException("colour type " + png.colourType());
        }
        return (int) Math.round(onWhite(r, alpha)) << 16 | (int) Math.round(onWhite(g, alpha)) << 8
                | (int) Math.round(onWhite(b, alpha));
    }

    /** A colour value of 0..1 at opacity {@code alpha} over white, on the 8-bit scale. */
    private static double onWhite(double value, double alpha) {
        return 255 * (alpha * value + (1 - alpha));
    }

    // ---- the images: random samples, with the extremes and the transparent colour always present

    private static PngImage grey(int depth, boolean trns, int[] size, boolean interlaced) {
        Random random = new Random(31L * depth + (trns ? 7 : 0) + size[0]);
        int max = (1 << depth) - 1;
        int[] samples = randomSamples(random, size[0] * size[1], max);
        int[] key = null;
        if (trns) {
            key = new int[]{random.nextInt(max + 1)};
            for (int i = 0; i < samples.length; i += 3) {
                samples[i] = key[0];
            }
            if (depth == 16 && samples.length > 4) {
                // one unit off the key in the low byte: still opaque, the comparison is of all 16 bits
                samples[1] = key[0] ^ 1;
            }
        }
        return new PngImage(GREY, depth, size[0], size[1], samples, null, key, interlaced);
    }

    private static PngImage rgb(int depth, boolean trns, int[] size, boolean interlaced) {
        Random random = new Random(37L * depth + (trns ? 7 : 0) + size[0]);
        int max = (1 << depth) - 1;
        int[] samples = randomSamples(random, size[0] * size[1] * 3, max);
        int[] key = null;
        if (trns) {
            key = new int[]{random.nextInt(max + 1), random.nextInt(max + 1), random.nextInt(max + 1)};
            for (int p = 0; p < size[0] * size[1]; p += 3) {
                System.arraycopy(key, 0, samples, p * 3, 3);
            }
            if (samples.length > 6) {
                // the key's red and green with another blue: opaque, only the whole colour matches
                samples[3] = key[0];
                samples[4] = key[1];
                samples[5] = key[2] ^ 1;
            }
        }
        return new PngImage(RGB, depth, size[0], size[1], samples, null, key, interlaced);
    }

    private static PngImage palette(int depth, boolean trns, int[] size, boolean interlaced) {
        Random random = new Random(41L * depth + (trns ? 7 : 0) + size[0]);
        // fewer entries than the depth allows at 8 bits, as the standard permits
        int entries = depth == 8 ? 200 : 1 << depth;
        int[] palette = new int[entries];
        for (int i = 0; i < entries; i++) {
            palette[i] = random.nextInt(1 << 24);
        }
        int[] samples = new int[size[0] * size[1]];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i < entries ? i : random.nextInt(entries);
        }
        int[] alphas = null;
        if (trns) {
            // alphas for the leading entries only: the others stay opaque
            alphas = new int[Math.max(1, entries / 2)];
            for (int i = 0; i < alphas.length; i++) {
                alphas[i] = i == 0 ? 0 : i == 1 ? 255 : random.nextInt(256);
            }
        }
        return new PngImage(PALETTE, depth, size[0], size[1], samples, palette, alphas, interlaced);
    }

    private static PngImage withAlpha(int colourType, int depth, int[] size, boolean interlaced) {
        Random random = new Random(43L * depth + colourType + size[0]);
        int max = (1 << depth) - 1;
        int channels = PngImage.channels(colourType);
        int[] samples = randomSamples(random, size[0] * size[1] * channels, max);
        // the alpha extremes: fully transparent and fully opaque pixels
        samples[channels - 1] = 0;
        samples[2 * channels - 1] = max;
        return new PngImage(colourType, depth, size[0], size[1], samples, null, null, interlaced);
    }

    /** Random samples in 0..max, starting with 0 and max. */
    private static int[] randomSamples(Random random, int count, int max) {
        int[] samples = new int[count];
        for (int i = 0; i < count; i++) {
            samples[i] = i == 0 ? 0 : i == 1 ? max : random.nextInt(max + 1);
        }
        return samples;
    }

    // ---- reporting

    private static boolean close(int expected, int actual) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((expected >> shift) & 255) - ((actual >> shift) & 255)) > TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    private static String samplesAt(PngImage png, int x, int y) {
        List<Integer> samples = new ArrayList<>();
        for (int c = 0; c < png.channels(); c++) {
            samples.add(png.sample(x, y, c));
        }
        return samples.toString();
    }

    private static String rgbText(int rgb) {
        return "(" + ((rgb >> 16) & 255) + "," + ((rgb >> 8) & 255) + "," + (rgb & 255) + ")";
    }

    private static int indexOf(byte[] bytes, String ascii) {
        byte[] needle = ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("no " + ascii + " in " + bytes.length + " bytes");
    }

    @Test
    void everyKindIsCovered() {
        List<PngImage> pngs = everyKindOfPng();
        // grey 5 depths x 2 (tRNS), palette 4 x 2, RGB 2 x 2, grey+alpha 2, RGBA 2: 26 kinds, x2 sizes x2 interlace
        assertEquals(26 * 4, pngs.size());
        assertTrue(pngs.stream().anyMatch(p -> p.interlaced() && p.transparency() != null
                && p.colourType() == GREY && p.bitDepth() == 1));
    }
}
