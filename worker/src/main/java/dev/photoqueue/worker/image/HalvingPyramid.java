package dev.photoqueue.worker.image;

import net.coobird.thumbnailator.resizers.Resizers;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The upright source of one photo and its successive halvings, each made on first use and shared
 * by every variant of the photo. A variant is scaled in one bilinear step from the smallest level
 * whose cut of its region still has at least the target's pixels each way, less than twice as many.
 *
 * <p>Why: Thumbnailator's progressive bilinear scaling halves the full-size source again for every
 * variant, allocating a half-size temporary image each time. Level {@code n + 1} here is level
 * {@code n} halved (sides rounded up) in one bilinear step, which averages each 2x2 block, the same
 * step the progressive scaling takes, but done once per photo. For the default variants of a 4 MP
 * photo this halves the pixels scaled and the garbage made. A level depends only on the source, so
 * a variant's pixels still depend only on the source and its own spec.
 *
 * <p>Level 0 may itself be smaller than the photo: a JPEG decoded at a fraction of its size by
 * its DCT ({@link DecodeScale}). Plans stay in the photo's full-size pixels, so a variant has the
 * same size whatever the decode scale, and each level maps their regions to its own pixels.
 *
 * <p>The levels are drawn into {@link ScratchImages} and given back by {@link #close}. One thread.
 */
final class HalvingPyramid implements AutoCloseable {

    private final List<BufferedImage> levels = new ArrayList<>(4);
    private final ScratchImages scratch;
    private final int fullWidth;
    private final int fullHeight;

    /** A pyramid over {@code upright} as it is: plans are in its own pixels. */
    HalvingPyramid(BufferedImage upright, ScratchImages scratch) {
        this(upright, upright.getWidth(), upright.getHeight(), scratch);
    }

    /**
     * A pyramid over {@code upright}, the photo decoded smaller than its full upright size of
     * {@code fullWidth x fullHeight} (see {@link DecodeScale}): plans are in full-size pixels, and
     * their regions are scaled to each level.
     */
    HalvingPyramid(BufferedImage upright, int fullWidth, int fullHeight, ScratchImages scratch) {
        this.scratch = scratch;
        this.fullWidth = fullWidth;
        this.fullHeight = fullHeight;
        levels.add(upright);
    }

    /** The image to scale {@code plan} from, and the plan's region in that image's pixels. */
    Cut cut(VariantSpec.VariantPlan plan) {
        Rectangle region = plan.region();
        Rectangle inSource = inLevel(0, region);
        int level = 0;
        while ((inSource.width >> (level + 1)) >= plan.targetWidth()
                && (inSource.height >> (level + 1)) >= plan.targetHeight()) {
            level++;
        }
        for (; level > 0; level--) {
            Rectangle inLevel = inLevel(level, region);
            if (inLevel.width >= plan.targetWidth() && inLevel.height >= plan.targetHeight()) {
                return new Cut(level(level), inLevel);
            }
        }
        return new Cut(levels.get(0), inSource);
    }

    /** The upright source, level 0. */
    BufferedImage source() {
        return levels.get(0);
    }

    /** The photo's full upright width, the pixels plans are made in. */
    int fullWidth() {
        return fullWidth;
    }

    /** The photo's full upright height. */
    int fullHeight() {
        return fullHeight;
    }

    /** How many levels exist so far, the source included. */
    int levelsMade() {
        return levels.size();
    }

    private Rectangle inLevel(int level, Rectangle region) {
        BufferedImage image = level(level);
        return scaledRegion(region, fullWidth, fullHeight, image.getWidth(), image.getHeight());
    }

    /**
     * {@code region} of a {@code fromWidth x fromHeight} image, in the pixels of the same image
     * scaled to {@code toWidth x toHeight}: corners rounded, kept inside the image.
     */
    static Rectangle scaledRegion(Rectangle region, int fromWidth, int fromHeight, int toWidth, int toHeight) {
        if (fromWidth == toWidth && fromHeight == toHeight) {
            return region;
        }
        double fx = (double) toWidth / fromWidth;
        double fy = (double) toHeight / fromHeight;
        int x = (int) Math.round(region.x * fx);
        int y = (int) Math.round(region.y * fy);
        int width = Math.min(toWidth - x, (int) Math.round(region.width * fx));
        int height = Math.min(toHeight - y, (int) Math.round(region.height * fy));
        return new Rectangle(x, y, width, height);
    }

    private BufferedImage level(int level) {
        while (levels.size() <= level) {
            BufferedImage previous = levels.get(levels.size() - 1);
            BufferedImage half = scratch.take((previous.getWidth() + 1) / 2, (previous.getHeight() + 1) / 2);
            levels.add(half);
            Resizers.BILINEAR.resize(previous, half);
        }
        return levels.get(level);
    }

    /** Gives the levels made back to the scratch images; the source stays the caller's. */
    @Override
    public void close() {
        for (int i = 1; i < levels.size(); i++) {
            scratch.give(levels.get(i));
        }
        levels.subList(1, levels.size()).clear();
    }

    /** A region of one level of the pyramid. */
    record Cut(BufferedImage image, Rectangle region) {
    }
}
