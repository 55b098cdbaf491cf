package dev.photoqueue.worker.image;

import java.awt.image.BufferedImage;

/**
 * Scales a strip one pixel high (or wide) into a target as thin, each target pixel the mean of
 * the source pixels it covers. Thumbnailator's progressive bilinear scaling, which it picks for a
 * shrink of more than half, leaves such a target black (a 65535x1 photo's 1024x1 variant came out
 * all black), as its halving steps reach no pixel of a side that stays 1. Stateless.
 */
final class StripScaling {

    private StripScaling() {
    }

    /** True when {@code sourceWidth x sourceHeight} to {@code targetWidth x targetHeight} shrinks a strip kept 1 pixel thin. */
    static boolean applies(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight) {
        return (sourceHeight == 1 && targetHeight == 1 && targetWidth <= sourceWidth)
                || (sourceWidth == 1 && targetWidth == 1 && targetHeight <= sourceHeight);
    }

    /** Draws {@code strip} into {@code target}, a strip as thin along the same side and no longer. */
    static void resize(BufferedImage strip, BufferedImage target) {
        boolean across = strip.getHeight() == 1 && target.getHeight() == 1;
        int from = across ? strip.getWidth() : strip.getHeight();
        int to = across ? target.getWidth() : target.getHeight();
        if (!applies(strip.getWidth(), strip.getHeight(), target.getWidth(), target.getHeight())) {
            throw new IllegalArgumentException("not a strip shrunk along its length: " + strip.getWidth() + "x"
                    + strip.getHeight() + " to " + target.getWidth() + "x" + target.getHeight());
        }
        int[] pixels = across ? strip.getRGB(0, 0, from, 1, null, 0, from) : strip.getRGB(0, 0, 1, from, null, 0, 1);
        int[] out = new int[to];
        for (int i = 0; i < to; i++) {
            int start = (int) ((long) i * from / to);
            int end = (int) ((long) (i + 1) * from / to); // at least start + 1, as to <= from
            long r = 0;
            long g = 0;
            long b = 0;
            for (int k = start; k < end; k++) {
                r += (pixels[k] >> 16) & 0xFF;
                g += (pixels[k] >> 8) & 0xFF;
                b += pixels[k] & 0xFF;
            }
            int n = end - start;
            out[i] = (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n);
        }
        if (across) {
            target.setRGB(0, 0, to, 1, out, 0, to);
        } else {
            target.setRGB(0, 0, 1, to, out, 0, 1);
        }
    }
}
