package dev.photoqueue.worker.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * A decoded PNG drawn as opaque 8-bit RGB on white, from its samples, the way libvips, ImageMagick
 * and browsers show it: every sample is taken as sRGB-encoded (grey ones too), scaled to 8 bits
 * with rounding, and blended over white by its alpha ({@code a * c + (1 - a) * 255}); a pixel
 * whose stored samples equal the tRNS colour is white.
 *
 * <p>Why not Java2D: ImageIO gives grey images a linear grey colour space, and Java2D converts
 * grey-with-alpha from it to sRGB when drawing, which makes mid-tones far lighter (50% grey comes
 * out at 74%), while plain grey is drawn as stored. ImageIO also compares a low-bit grey image's
 * tRNS colour with samples already scaled to 8 bits, so it misses the pixels of that colour (and
 * may hit others). Reading the samples here sidesteps both. Stateless and thread-safe.
 */
final class PngOnWhite {

    private static final int WHITE = 0xFFFFFF;
    private static final long MAX_16_SQUARED = 65535L * 65535L;

    private PngOnWhite() {
    }

    /**
     * {@code decoded} on white. {@code decoded} must keep the samples as stored: when the layout has
     * a transparent colour it must be read into the reader's raw type, which adds no alpha band.
     * An 8-bit RGB image without one is opaque already and returned as it is.
     */
    static BufferedImage flatten(BufferedImage decoded, PngLayout layout) {
        if (layout.transparentKey() == null && (decoded.getType() == BufferedImage.TYPE_3BYTE_BGR
                || decoded.getType() == BufferedImage.TYPE_INT_RGB)) {
            return decoded;
        }
        int w = decoded.getWidth();
        int h = decoded.getHeight();
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        Raster raster = decoded.getRaster();
        int bits = raster.getSampleModel().getSampleSize(0);
        int bands = raster.getNumBands();
        if (layout.colourType() == PngLayout.PALETTE && decoded.getColorModel() instanceof IndexColorModel palette) {
            lookUp(raster, paletteOnWhite(palette, bits), out);
        } else if (bands == 1 && bits <= 8) {
            lookUp(raster, greyOnWhite(bits, layout.transparentKey()), out);
        } else if (bands == 1 || bands == 3) {
            opaque(raster, bands, bits, layout.transparentKey(), out);
        } else if (bands == 2 || bands == 4) {
            blended(raster, bands, bits, out);
        } else {
            throw new IllegalArgumentException("a PNG of colour type " + layout.colourType() + " decoded to "
                    + bands + " bands");
        }
        return canvas;
    }

    /** Each single-sample pixel through {@code table}, indexed by its sample. */
    private static void lookUp(Raster raster, int[] table, int[] out) {
        int w = raster.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            int at = y * w;
            for (int x = 0; x < w; x++) {
                out[at + x] = table[row[x]];
            }
        }
    }

    /** Every index of a palette of {@code bits} bits on white; indices beyond the palette are black. */
    private static int[] paletteOnWhite(IndexColorModel palette, int bits) {
        int[] table = new int[1 << bits];
        for (int i = 0; i < Math.min(table.length, palette.getMapSize()); i++) {
            int argb = palette.getRGB(i);
            int a = argb >>> 24;
            table[i] = rgb(blend8((argb >> 16) & 0xFF, a), blend8((argb >> 8) & 0xFF, a), blend8(argb & 0xFF, a));
        }
        return table;
    }

    /** Every grey sample of {@code bits} (8 or fewer) on the 8-bit scale; the transparent one white. */
    private static int[] greyOnWhite(int bits, int[] key) {
        int max = (1 << bits) - 1;
        int[] table = new int[max + 1];
        for (int s = 0; s <= max; s++) {
            int g = (s * 255 + max / 2) / max;
            table[s] = key != null && key[0] == s ? WHITE : rgb(g, g, g);
        }
        return table;
    }

    /** Grey or RGB without alpha, 16 bits or 8 in an image of a type other than the standard ones. */
    private static void opaque(Raster raster, int bands, int bits, int[] key, int[] out) {
        int w = raster.getWidth();
        int[] row = new int[w * bands];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(0, y, w, 1, row);
            int at = y * w;
            for (int x = 0, i = 0; x < w; x++, i += bands) {
                if (key != null && matches(row, i, key)) {
                    out[at + x] = WHITE;
                } else if (bands == 1) {
                    int g = to8(row[i], bits);
                    out[at + x] = rgb(g, g, g);
                } else {
                    out[at + x] = rgb(to8(row[i], bits), to8(row[i + 1], bits), to8(row[i + 2], bits));
                }
            }
        }
    }

    /** Grey and alpha, or RGB and alpha, of 8 or 16 bits, blended over white. */
    private static void blended(Raster raster, int bands, int bits, int[] out) {
        int w = raster.getWidth();
        int[] row = new int[w * bands];
        boolean deep = bits > 8;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(0, y, w, 1, row);
            int at = y * w;
            for (int x = 0, i = 0; x < w; x++, i += bands) {
                int a = row[i + bands - 1];
                int r = deep ? blend16(row[i], a) : blend8(row[i], a);
                if (bands == 2) {
                    out[at + x] = rgb(r, r, r);
                } else {
                    int g = deep ? blend16(row[i + 1], a) : blend8(row[i + 1], a);
                    int b = deep ? blend16(row[i + 2], a) : blend8(row[i + 2], a);
                    out[at + x] = rgb(r, g, b);
                }
            }
        }
    }

    private static boolean matches(int[] row, int i, int[] key) {
        for (int k = 0; k < key.length; k++) {
            if (row[i + k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    /** An 8-bit sample value over white at 8-bit alpha {@code a}, rounded. */
    private static int blend8(int c, int a) {
        return (c * a + 255 * (255 - a) + 127) / 255;
    }

    /** A 16-bit sample value over white at 16-bit alpha {@code a}, rounded to 8 bits. */
    private static int blend16(int c, int a) {
        long v = (long) c * a + 65535L * (65535 - a);
        return (int) ((v * 255 + MAX_16_SQUARED / 2) / MAX_16_SQUARED);
    }

    /** A sample of {@code bits} bits on the 8-bit scale, rounded. */
    private static int to8(int sample, int bits) {
        return bits == 8 ? sample : (sample * 255 + 32767) / 65535;
    }

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }
}
