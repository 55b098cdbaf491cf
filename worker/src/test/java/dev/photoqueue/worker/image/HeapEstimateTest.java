package dev.photoqueue.worker.image;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap a render reserves covers what it holds: for photos of every kind the worker decodes,
 * rendered by a fresh pipeline (no reused buffer, so every image is allocated), the reservation is
 * at least every byte the rendering thread allocated ({@link com.sun.management.ThreadMXBean}),
 * which is at least what it held at its peak. And it is no wild guess: at most a few times that.
 */
class HeapEstimateTest {

    private static final int W = 2400;
    private static final int H = 1600;
    private static final DecodeBudget LARGE = new DecodeBudget(1L << 34);
    private static final Map<String, byte[]> PHOTOS = new LinkedHashMap<>();

    @BeforeAll
    static void photos() {
        BufferedImage photo = SampleImages.scaledPhoto("Aqua.jpg", W, H);
        byte[] jpeg = SampleImages.jpeg(photo);
        PHOTOS.put("camera JPEG", jpeg);
        PHOTOS.put("JPEG turned a quarter (EXIF 6)", SampleImages.withExifOrientation(jpeg, 6, false));
        PHOTOS.put("grey JPEG", SampleImages.jpeg(SampleImages.grey(photo)));
        PHOTOS.put("progressive JPEG", SampleImages.progressiveJpeg(photo));
        PHOTOS.put("CMYK JPEG", SampleImages.adobeJpeg(photo, false));
        PHOTOS.put("YCCK JPEG", SampleImages.adobeJpeg(photo, true));
        PHOTOS.put("RGB PNG", SampleImages.encode(photo, "png"));
        PHOTOS.put("RGBA PNG", SampleImages.pngWithTransparentLeftHalf(photo));
        PHOTOS.put("16-bit RGB PNG", SampleImages.sixteenBitPng(photo, false));
        PHOTOS.put("16-bit grey PNG", SampleImages.sixteenBitPng(photo, true));
        PHOTOS.put("1-bit PNG", SampleImages.blackPng(W, H));
        PHOTOS.put("GIF", SampleImages.twoFrameGif(photo));
        PHOTOS.put("BMP", SampleImages.encode(photo, "bmp"));
    }

    @Test
    void theReservationCoversEveryByteARenderAllocatesWithImageIo() {
        check(JpegCodec.IMAGEIO);
    }

    @Test
    void theReservationCoversEveryByteARenderAllocatesWithTurboJpeg() {
        org.junit.jupiter.api.Assumptions.assumeTrue(JpegCodec.TURBO.available(), "libturbojpeg.so.0 loads");
        check(JpegCodec.TURBO);
    }

    private static void check(JpegCodec codec) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, byte[]> photo : PHOTOS.entrySet()) {
            new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, codec, LARGE).render("warm", photo.getValue(),
                    VariantSpec.DEFAULTS); // the classes loaded and initialised: not this photo's heap
            ImagePipeline fresh = new ImagePipeline(ImagePipeline.DEFAULT_MAX_PIXELS, codec, LARGE);
            long before = threads.getThreadAllocatedBytes(tid);
            RenderedPhoto rendered = fresh.render("p", photo.getValue(), VariantSpec.DEFAULTS);
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            long pixels = (long) W * H;
            table.append(String.format("%-32s reserved %6.2f B/px, allocated %6.2f B/px%n", photo.getKey(),
                    (double) rendered.heapBytes() / pixels, (double) allocated / pixels));
            assertTrue(rendered.heapBytes() >= allocated, codec + ", " + photo.getKey() + ": reserved "
                    + rendered.heapBytes() + " bytes, allocated " + allocated + "\n" + table);
            assertTrue(rendered.heapBytes() <= 4 * allocated, codec + ", " + photo.getKey() + ": reserved "
                    + rendered.heapBytes() + " bytes, allocated only " + allocated + "\n" + table);
        }
        System.out.println(codec + ", " + W + "x" + H + ", default variants:\n" + table);
        assertEquals(0, LARGE.reservedBytes(), "every reservation was given back");
    }
}
