package dev.photoqueue.worker.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A test photo whose four quadrants have four colours ({@link #COLOURS}), so that any turn or
 * mirror of it shows, and the assertion that a rendered variant kept them in place or turned them
 * half a turn.
 */
public final class Quadrants {

    /** The quadrants' colours, clockwise from the top left. */
    public static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.WHITE, Color.BLUE};
    /** How far a quadrant's mean channel may be from its colour: JPEG and scaling blur it. */
    static final double TOLERANCE = 24;

    private Quadrants() {
    }

    /** A PNG of {@code width x height} whose quadrants are {@link #COLOURS}. */
    public static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        int[][] corners = {{0, 0}, {width / 2, 0}, {width / 2, height / 2}, {0, height / 2}};
        for (int q = 0; q < 4; q++) {
            g.setColor(COLOURS[q]);
            g.fillRect(corners[q][0], corners[q][1], width / 2, height / 2);
        }
        g.dispose();
        return SampleImages.encode(image, "png");
    }

    /**
     * Asserts each quadrant's mean colour, within {@link #TOLERANCE} per channel: as drawn, or
     * turned half a turn when {@code upsideDown}. A failure names {@code what}, the quadrant, the
     * channel and the image's size.
     */
    public static void assertQuadrants(BufferedImage image, boolean upsideDown, String what) {
        int w = image.getWidth() / 2;
        int h = image.getHeight() / 2;
        int[][] corners = {{0, 0}, {w, 0}, {w, h}, {0, h}};
        for (int q = 0; q < 4; q++) {
            Color expected = COLOURS[upsideDown ? (q + 2) % 4 : q];
            // the inner part of each quadrant: JPEG and scaling blur the borders between them
            double[] rgb = Pixels.meanRgb(image, corners[q][0] + w / 4, corners[q][1] + h / 4, w / 2, h / 2);
            double[] want = {expected.getRed(), expected.getGreen(), expected.getBlue()};
            for (int c = 0; c < 3; c++) {
                assertEquals(want[c], rgb[c], TOLERANCE, what + ": quadrant " + q + ", channel " + c + " of "
                        + image.getWidth() + "x" + image.getHeight()
                        + (upsideDown ? " (expected upside down)" : " (expected upright)"));
            }
        }
    }
}
