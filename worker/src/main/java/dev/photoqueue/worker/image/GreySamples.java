package dev.photoqueue.worker.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Grey images of more than 8 bits (12- and 16-bit lossless JPEGs, as TwelveMonkeys decodes them)
 * brought to 8-bit grey by scaling their samples, so that they show as stored, as libvips and
 * browsers show them. ImageIO gives such images a linear grey colour space, and Java2D converts
 * from it to sRGB when drawing one of a type other than its standard grey ones, which makes
 * mid-tones far lighter (50% grey comes out at 73%). Stateless.
 */
final class GreySamples {

    private GreySamples() {
    }

    /** True for a one-band grey image that Java2D would convert from linear grey when drawing it. */
    static boolean needsScaling(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_CUSTOM
                && image.getRaster().getNumBands() == 1
                && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /** {@code image}'s samples scaled from their bit depth to 8 bits, in a new 8-bit grey image. */
    static BufferedImage toByteGrey(BufferedImage image) {
        int bits = image.getColorModel().getComponentSize(0);
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("grey samples of " + bits + " bits; 1 to 16 are read");
        }
        int max = (1 << bits) - 1;
        int w = image.getWidth();
        int h = image.getHeight();
        Raster in = image.getRaster();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster target = out.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            in.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                row[x] = (Math.min(row[x], max) * 255 + max / 2) / max;
            }
            target.setSamples(0, y, w, 1, 0, row);
        }
        return out;
    }
}
