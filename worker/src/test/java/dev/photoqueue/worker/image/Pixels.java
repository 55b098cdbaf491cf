package dev.photoqueue.worker.image;

import java.awt.image.BufferedImage;

/** Comparisons of decoded images for the tests: how far apart two images are, and mean colours. */
public final class Pixels {

    private Pixels() {
    }

    /** Mean absolute difference per channel (0..255) of two images of equal size. */
    public static double meanDifference(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            throw new IllegalArgumentException(a.getWidth() + "x" + a.getHeight() + " vs " + b.getWidth() + "x"
                    + b.getHeight());
        }
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 255) - ((q >> shift) & 255));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    /** Mean red, green and blue of a region. */
    public static double[] meanRgb(BufferedImage image, int x0, int y0, int w, int h) {
        double[] sum = new double[3];
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int p = image.getRGB(x, y);
                sum[0] += (p >> 16) & 255;
                sum[1] += (p >> 8) & 255;
                sum[2] += p & 255;
            }
        }
        for (int i = 0; i < 3; i++) {
            sum[i] /= (double) w * h;
        }
        return sum;
    }
}
