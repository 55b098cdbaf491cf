package dev.photoqueue.worker.image;

import net.coobird.thumbnailator.Thumbnails;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalvingPyramidTest {

    @Test
    void cutsEachVariantFromTheSmallestLevelWithAtLeastItsTargetPixels() {
        HalvingPyramid pyramid = new HalvingPyramid(new BufferedImage(2560, 1600, BufferedImage.TYPE_3BYTE_BGR), new ScratchImages());

        HalvingPyramid.Cut small = pyramid.cut(VariantSpec.width("small", 320).plan(2560, 1600));
        assertEquals(new Rectangle(0, 0, 320, 200), small.region(), "2560 / 8 = 320: level 3, nothing left to scale");
        assertEquals(320, small.image().getWidth());

        HalvingPyramid.Cut medium = pyramid.cut(VariantSpec.longestEdge("medium", 1024).plan(2560, 1600));
        assertEquals(new Rectangle(0, 0, 1280, 800), medium.region(), "1280 is less than twice 1024: level 1");

        HalvingPyramid.Cut thumb = pyramid.cut(VariantSpec.crop("thumb", 150, 150).plan(2560, 1600));
        assertEquals(new Rectangle(60, 0, 200, 200), thumb.region(), "the centred 1600 square, at level 3");
        assertEquals(4, pyramid.levelsMade());
    }

    @Test
    void mapsFullSizePlansOntoASourceDecodedAtHalfSize() {
        // a 2560x1600 photo decoded at 1/2: plans stay in full-size pixels
        HalvingPyramid pyramid = new HalvingPyramid(new BufferedImage(1280, 800, BufferedImage.TYPE_3BYTE_BGR),
                2560, 1600, new ScratchImages());

        HalvingPyramid.Cut medium = pyramid.cut(VariantSpec.longestEdge("medium", 1024).plan(2560, 1600));
        assertSame(pyramid.source(), medium.image(), "1280 is less than twice 1024: the decoded source");
        assertEquals(new Rectangle(0, 0, 1280, 800), medium.region());

        HalvingPyramid.Cut thumb = pyramid.cut(VariantSpec.crop("thumb", 150, 150).plan(2560, 1600));
        assertEquals(new Rectangle(60, 0, 200, 200), thumb.region(), "the centred 1600 square (480, 0), at 1/8");
        assertEquals(200, thumb.image().getHeight());
        assertEquals(3, pyramid.levelsMade(), "two halvings of the decoded source");
    }

    @Test
    void makesOnlyTheLevelsAskedFor() {
        HalvingPyramid pyramid = new HalvingPyramid(new BufferedImage(1000, 800, BufferedImage.TYPE_INT_RGB), new ScratchImages());

        HalvingPyramid.Cut medium = pyramid.cut(VariantSpec.longestEdge("medium", 1024).plan(1000, 800));

        assertSame(pyramid.source(), medium.image(), "no scaling needed, no level made");
        assertEquals(new Rectangle(0, 0, 1000, 800), medium.region());
        assertEquals(1, pyramid.levelsMade());
        pyramid.cut(VariantSpec.width("small", 480).plan(1000, 800));
        assertEquals(2, pyramid.levelsMade(), "500 is less than twice 480: one halving");
    }

    @Test
    void roundsOddSidesUpSoARegionNeverFallsShortOfItsTarget() {
        HalvingPyramid pyramid = new HalvingPyramid(new BufferedImage(1681, 1051, BufferedImage.TYPE_INT_RGB), new ScratchImages());
        for (VariantSpec spec : new VariantSpec[] {VariantSpec.crop("thumb", 150, 150), VariantSpec.width("w", 211),
                VariantSpec.longestEdge("l", 420), VariantSpec.crop("wide", 400, 100)}) {
            VariantSpec.VariantPlan plan = spec.plan(1681, 1051);
            HalvingPyramid.Cut cut = pyramid.cut(plan);
            Rectangle r = cut.region();
            assertTrue(r.width >= plan.targetWidth() && r.height >= plan.targetHeight(), spec + ": " + r);
            assertTrue(r.x >= 0 && r.y >= 0 && r.x + r.width <= cut.image().getWidth()
                    && r.y + r.height <= cut.image().getHeight(), spec + ": " + r + " outside the level");
        }
    }

    /** The pyramid's variants look like Thumbnailator scaling each variant from the full-size source. */
    @Test
    void rendersWhatScalingFromTheFullSizeSourceRenders() throws Exception {
        BufferedImage source = quadrantsWithNoise(2400, 1500);
        HalvingPyramid pyramid = new HalvingPyramid(source, new ScratchImages());
        for (VariantSpec spec : VariantSpec.DEFAULTS) {
            VariantSpec.VariantPlan plan = spec.plan(source.getWidth(), source.getHeight());
            HalvingPyramid.Cut cut = pyramid.cut(plan);
            BufferedImage fromPyramid = Thumbnails.of(cut.image()).sourceRegion(cut.region())
                    .forceSize(plan.targetWidth(), plan.targetHeight()).imageType(BufferedImage.TYPE_INT_RGB)
                    .asBufferedImage();
            BufferedImage direct = Thumbnails.of(source).sourceRegion(plan.region())
                    .forceSize(plan.targetWidth(), plan.targetHeight()).imageType(BufferedImage.TYPE_INT_RGB)
                    .asBufferedImage();

            double difference = Pixels.meanDifference(fromPyramid, direct);
            assertTrue(difference < 2.0, spec.name() + " differs by " + difference + " per channel on average");
        }
    }

    /**
     * The ImageIO pipeline draws into reused scratch images and encodes them itself; the bytes are
     * those Thumbnailator's builder makes from the same cut of the same pyramid.
     */
    @Test
    void theImageIoPipelineWritesTheBytesThumbnailatorsBuilderWritesFromTheSameCut() throws Exception {
        ImagePipeline pipeline = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, JpegCodec.IMAGEIO);
        for (String name : new String[] {"Dune.jpg", "Garden.jpg", "GreenMeadow.jpg"}) {
            byte[] photo = SampleImages.photo(name);
            RenderedPhoto rendered = pipeline.render("p", photo, VariantSpec.DEFAULTS);
            rendered = pipeline.render("p", photo, VariantSpec.DEFAULTS); // on scratch images used before

            try (HalvingPyramid pyramid = new HalvingPyramid(ImageIO.read(new ByteArrayInputStream(photo)),
                    new ScratchImages())) {
                for (RenderedVariant variant : rendered.variants()) {
                    VariantSpec.VariantPlan plan = variant.spec().plan(pyramid.source().getWidth(),
                            pyramid.source().getHeight());
                    HalvingPyramid.Cut cut = pyramid.cut(plan);
                    ByteArrayOutputStream expected = new ByteArrayOutputStream();
                    Thumbnails.of(cut.image()).sourceRegion(cut.region())
                            .forceSize(plan.targetWidth(), plan.targetHeight()).imageType(BufferedImage.TYPE_INT_RGB)
                            .outputFormat("jpg").outputQuality(variant.spec().quality()).toOutputStream(expected);
                    assertArrayEquals(expected.toByteArray(), variant.jpeg(), name + " " + variant.spec().name());
                }
            }
        }
    }

    /** Four flat colours, one a quadrant, with a little noise: misplaced regions show as wrong colours. */
    private static BufferedImage quadrantsWithNoise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        Color[] colours = {new Color(200, 40, 40), new Color(40, 200, 40), new Color(40, 40, 200), new Color(220, 220, 60)};
        for (int i = 0; i < 4; i++) {
            g.setColor(colours[i]);
            g.fillRect(i % 2 * width / 2, i / 2 * height / 2, width / 2, height / 2);
        }
        g.dispose();
        Random random = new Random(7);
        for (int n = 0; n < width * height / 50; n++) {
            image.setRGB(random.nextInt(width), random.nextInt(height), random.nextInt(0xFFFFFF));
        }
        return image;
    }
}
