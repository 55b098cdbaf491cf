package dev.photoqueue.worker.image;

import java.awt.Rectangle;
import java.util.List;

/**
 * The smallest scale a JPEG can be decoded at (its DCT scaled to n/8 of the stored size, as
 * libjpeg-turbo does) from which every variant can still be made without enlarging anything:
 * each variant's region, in the decoded image, has at least the variant's pixels each way. The
 * variants are then scaled down from there as from the full-size image, so what is saved is
 * decoding and scaling pixels that would be averaged away. Stateless.
 */
final class DecodeScale {

    /** The full size, n = 8. */
    static final int FULL = 8;

    /**
     * The scales tried, smallest first, in eighths: 1/8, 1/4, 1/2 and full, as libvips shrinks on
     * load. libjpeg-turbo also decodes at 3/8, 5/8, 3/4 and 7/8, but those came out visibly
     * further from the full-size decode on the sample photos (a mean difference per channel of up
     * to 7.7 against at most 1.3) and are not used.
     */
    static final int[] EIGHTHS = {1, 2, 4, FULL};

    private DecodeScale() {
    }

    /**
     * The smallest n of {@link #EIGHTHS} such that a {@code storedWidth x storedHeight} JPEG
     * (dimensions as its header gives them, before the EXIF {@code orientation}) decoded at n/8
     * and turned upright has every variant's region at least as large as the variant.
     */
    static int eighths(int storedWidth, int storedHeight, int orientation, List<VariantSpec> specs) {
        if (storedWidth < 1 || storedHeight < 1) {
            throw new IllegalArgumentException("no decode scale for an image of " + storedWidth + "x" + storedHeight);
        }
        boolean swapped = orientation >= 5; // orientations 5 to 8 turn the image a quarter
        int fullWidth = swapped ? storedHeight : storedWidth;
        int fullHeight = swapped ? storedWidth : storedHeight;
        for (int n : EIGHTHS) {
            int width = TurboJpeg.scaled(fullWidth, n);
            int height = TurboJpeg.scaled(fullHeight, n);
            if (allFit(specs, fullWidth, fullHeight, width, height)) {
                return n;
            }
        }
        return FULL;
    }

    private static boolean allFit(List<VariantSpec> specs, int fullWidth, int fullHeight, int width, int height) {
        for (VariantSpec spec : specs) {
            VariantSpec.VariantPlan plan = spec.plan(fullWidth, fullHeight);
            Rectangle region = HalvingPyramid.scaledRegion(plan.region(), fullWidth, fullHeight, width, height);
            if (region.width < plan.targetWidth() || region.height < plan.targetHeight()) {
                return false;
            }
        }
        return true;
    }
}
