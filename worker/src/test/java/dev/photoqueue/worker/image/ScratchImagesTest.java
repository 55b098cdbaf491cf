package dev.photoqueue.worker.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScratchImagesTest {

    private final ScratchImages scratch = new ScratchImages();

    @Test
    void handsOutBlackRgbImagesOfTheAskedSize() {
        BufferedImage image = scratch.take(300, 200);

        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType(), "Java2D's fast loops key on the type");
        assertEquals(300, image.getWidth());
        assertEquals(200, image.getHeight());
        assertEquals(0, image.getRGB(299, 199) & 0xFFFFFF);
    }

    @Test
    void reusesAGivenBackArrayForAnyImageNoLargerWhateverItsShape() {
        BufferedImage landscape = scratch.take(400, 300);
        int[] array = data(landscape);
        scratch.give(landscape);

        BufferedImage portrait = scratch.take(300, 400);

        assertSame(array, data(portrait));
        assertEquals(0, scratch.keptPixels(), "taken again, no longer kept");
    }

    @Test
    void clearsAReusedArraySoNoPixelOfTheLastPhotoShows() {
        BufferedImage first = scratch.take(64, 64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                first.setRGB(x, y, 0xFF8040);
            }
        }
        scratch.give(first);

        BufferedImage second = scratch.take(32, 100);

        assertSame(data(first), data(second));
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(0, second.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void makesANewArrayWhenNoKeptOneIsLargeEnough() {
        BufferedImage small = scratch.take(100, 100);
        scratch.give(small);

        BufferedImage large = scratch.take(1000, 1000);

        assertNotSame(data(small), data(large));
        assertEquals(data(small).length, scratch.keptPixels(), "the small one is still kept");
    }

    @Test
    void keepsAtMostTheBoundDroppingSmallerArraysForALargerOne() {
        long bound = 12L * ScratchImages.STEP_PIXELS;
        ScratchImages scratch = new ScratchImages(bound);
        int side = (int) Math.sqrt(bound / 3.0) + 1; // a little over a third: two fit, three do not
        BufferedImage a = scratch.take(side, side);
        BufferedImage b = scratch.take(side, side);
        BufferedImage c = scratch.take(side, side);
        BufferedImage d = scratch.take(side, side);
        BufferedImage large = scratch.take(side, 2 * side);
        scratch.give(a);
        scratch.give(b);
        scratch.give(c);
        scratch.give(d);
        assertTrue(scratch.keptPixels() <= bound, "kept " + scratch.keptPixels());
        assertEquals(2L * data(a).length, scratch.keptPixels(), "room for two of the four");

        scratch.give(large);

        assertEquals(data(large).length, scratch.keptPixels(), "the larger one pushed both smaller ones out");
    }

    @Test
    void keepsByDefaultAtMost64MegabytesAndASixteenthOfTheHeap() {
        long keptBytes = ScratchImages.MAX_KEPT_PIXELS * 4;

        assertTrue(keptBytes <= 64_000_000, keptBytes + " bytes");
        assertTrue(keptBytes <= Runtime.getRuntime().maxMemory() / 16, keptBytes + " bytes of a heap of "
                + Runtime.getRuntime().maxMemory());
    }

    @Test
    void refusesImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> scratch.take(0, 10));
        assertThrows(IllegalArgumentException.class, () -> scratch.take(100_000, 100_000));
    }

    private static int[] data(BufferedImage image) {
        return ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }
}
