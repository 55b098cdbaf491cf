package dev.photoqueue.worker.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Reused pixel arrays for the RGB images a render draws into: the halvings of a photo and its
 * variants before they are encoded. Each of these is a new image of up to several megabytes per
 * photo, a large object the collector places straight in the old generation; a worker making them
 * several times a second starts a concurrent collection cycle every few hundred milliseconds,
 * which takes a core's share from the other worker. Drawing into kept arrays takes that away.
 *
 * <p>An array fits any image with no more pixels than it has, whatever its shape; arrays are
 * made in steps of {@value #STEP_PIXELS} pixels so that photos of similar sizes share them. Every
 * image handed out is black first, so a variant can never show a piece of an earlier photo, which
 * may be another user's. Bounded: the arrays kept hold at most {@link #MAX_KEPT_PIXELS} pixels
 * (4 bytes each: 64 MB, or a sixteenth of the heap when that is less); a larger need gets an array
 * of its own, as before. Thread-safe.
 */
final class ScratchImages {

    /** 16 million pixels (64 MB), or a sixteenth of the heap when that is less. */
    static final long MAX_KEPT_PIXELS = Math.min(16_000_000, Runtime.getRuntime().maxMemory() / 16 / 4);
    static final int STEP_PIXELS = 1 << 16;
    private static final DirectColorModel RGB = new DirectColorModel(24, 0xFF0000, 0x00FF00, 0x0000FF, 0);

    private final List<int[]> free = new ArrayList<>();
    private final long maxKeptPixels;
    private long keptPixels;

    ScratchImages() {
        this(MAX_KEPT_PIXELS);
    }

    /** With another bound on the pixels kept, for tests that must not hold 64 MB. */
    ScratchImages(long maxKeptPixels) {
        this.maxKeptPixels = maxKeptPixels;
    }

    /** A black {@link BufferedImage#TYPE_INT_RGB} image of {@code width x height}; {@link #give} it back. */
    BufferedImage take(int width, int height) {
        long pixels = (long) width * height;
        if (width < 1 || height < 1 || pixels > Integer.MAX_VALUE - STEP_PIXELS) {
            throw new IllegalArgumentException("no scratch image of " + width + "x" + height);
        }
        int[] data = null;
        synchronized (free) {
            int best = -1;
            for (int i = 0; i < free.size(); i++) {
                if (free.get(i).length >= pixels && (best < 0 || free.get(i).length < free.get(best).length)) {
                    best = i;
                }
            }
            if (best >= 0) {
                data = free.remove(best);
                keptPixels -= data.length;
            }
        }
        if (data == null) {
            data = new int[(int) ((pixels + STEP_PIXELS - 1) / STEP_PIXELS * STEP_PIXELS)];
        } else {
            Arrays.fill(data, 0, (int) pixels, 0);
        }
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(data, (int) pixels), width, height, width,
                RGB.getMasks(), null);
        return new BufferedImage(RGB, raster, false, null);
    }

    /**
     * Gives back an image {@link #take} made. Its array is kept, making room by dropping smaller
     * kept ones when the pool is full, unless it alone would be over the bound.
     */
    void give(BufferedImage image) {
        int[] data = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        if (data.length > maxKeptPixels) {
            return;
        }
        synchronized (free) {
            free.sort(Comparator.comparingInt(a -> a.length));
            while (keptPixels + data.length > maxKeptPixels && !free.isEmpty() && free.get(0).length < data.length) {
                keptPixels -= free.remove(0).length;
            }
            if (keptPixels + data.length <= maxKeptPixels) {
                free.add(data);
                keptPixels += data.length;
            }
        }
    }

    /** Pixels held by the kept arrays. */
    long keptPixels() {
        synchronized (free) {
            return keptPixels;
        }
    }
}
