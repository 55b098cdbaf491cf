package dev.photoqueue.worker.image;

import javax.imageio.ImageTypeSpecifier;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.util.List;

/**
 * The heap one render holds at its peak, from what the header says, before a pixel is decoded:
 * what {@link DecodeBudget} reserves. The parts, all live together while the variants are made:
 *
 * <ul>
 * <li>the decoded image: its pixels times the bytes a pixel of the type it decodes to takes
 *     (3-byte BGR for most JPEGs and every TurboJPEG decode, one byte for grey, an eighth for a
 *     1-bit PNG, 8 for 16-bit RGBA, as the reader's sample model stores them); an ImageIO
 *     reader holds about as much again of its own while it decodes, plus a byte a pixel
 *     ({@link #IMAGEIO_READER_EXTRA}), and a progressive JPEG it decodes
 *     {@value #PROGRESSIVE_JPEG_BYTES} bytes a pixel more (its coefficients for every scan);</li>
 * <li>the upright opaque RGB copy, 4 bytes a pixel, unless the decoded image is that already
 *     (turned by its EXIF orientation, flattened on white, or not RGB);</li>
 * <li>the halvings of the {@link HalvingPyramid}, 4 bytes a pixel, a third of the upright image's
 *     pixels at most, each rounded up to a {@link ScratchImages} step;</li>
 * <li>one variant's scratch image (4 bytes a pixel of the largest variant) and the encoded
 *     variants, kept until the photo is done (2 bytes a pixel of every variant, well above what
 *     a JPEG of quality 0.85 takes; {@value #IMAGEIO_ENCODER_BYTES} when ImageIO's writer encodes
 *     them, which converts each variant on the way), and the photo's own bytes.</li>
 * </ul>
 *
 * <p>Measured, not guessed: {@code HeapEstimateTest} renders photos of each kind (camera JPEG,
 * turned, grey and CMYK JPEGs, RGB, RGBA, 16-bit and 1-bit PNGs, GIF, BMP) with fresh pools and
 * compares the estimate with the bytes the rendering thread allocated
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, every allocation, garbage
 * included, so at least the peak it held): the estimate is never below it. Stateless.
 */
final class HeapEstimate {

    /** An upright, opaque {@link BufferedImage#TYPE_INT_RGB} pixel: the copy, the halvings, the variants. */
    static final int RGB_BYTES = 4;
    /** An encoded variant's bytes a pixel, at most, when TurboJPEG encodes it. */
    static final int ENCODED_BYTES = 2;
    /** A variant's bytes a pixel while ImageIO's JPEG writer encodes it (measured: about 13). */
    static final int IMAGEIO_ENCODER_BYTES = 20;
    /** What an ImageIO reader allocates beyond its own copy of the decoded image, a pixel (measured: under 1). */
    static final int IMAGEIO_READER_EXTRA = 1;
    /** The coefficient buffers of a progressive JPEG decoded by ImageIO, a pixel (measured: 32). */
    static final int PROGRESSIVE_JPEG_BYTES = 36;

    private HeapEstimate() {
    }

    /**
     * Bytes held at the peak of rendering {@code specs} from an image decoded at
     * {@code decodedWidth x decodedHeight} into {@code bytesPerPixel}, of a photo whose upright full
     * size is {@code fullWidth x fullHeight} and whose bytes are {@code sourceBytes} long;
     * {@code copied} when the decoded image is drawn into an upright RGB copy.
     */
    static long bytes(int decodedWidth, int decodedHeight, double bytesPerPixel, boolean copied, int fullWidth,
                      int fullHeight, List<VariantSpec> specs, long sourceBytes, boolean imageIoEncodes) {
        long pixels = (long) decodedWidth * decodedHeight;
        long decoded = (long) Math.ceil(pixels * bytesPerPixel);
        long copy = copied ? pixels * RGB_BYTES : 0;
        long halvings = 0;
        long w = decodedWidth;
        long h = decodedHeight;
        while (w > 1 || h > 1) {
            w = (w + 1) / 2;
            h = (h + 1) / 2;
            halvings += (w * h + ScratchImages.STEP_PIXELS) * RGB_BYTES;
        }
        long largestVariant = 0;
        long variants = 0;
        for (VariantSpec spec : specs) {
            VariantSpec.VariantPlan plan = spec.plan(fullWidth, fullHeight);
            long variantPixels = (long) plan.targetWidth() * plan.targetHeight();
            largestVariant = Math.max(largestVariant, (variantPixels + ScratchImages.STEP_PIXELS) * RGB_BYTES);
            variants += variantPixels * (imageIoEncodes ? IMAGEIO_ENCODER_BYTES : ENCODED_BYTES);
        }
        return decoded + copy + halvings + largestVariant + variants + sourceBytes;
    }

    /**
     * Bytes a pixel an ImageIO reader holds while it decodes {@code source} into {@code type}: the
     * image, the reader's own copy, and a progressive JPEG's coefficients.
     */
    static double imageIoBytesPerPixel(ImageTypeSpecifier type, ImageFormat format, byte[] source) {
        double progressive = format == ImageFormat.JPEG && progressiveJpeg(source) ? PROGRESSIVE_JPEG_BYTES : 0;
        return 2 * bytesPerPixel(type) + IMAGEIO_READER_EXTRA + progressive;
    }

    /** Whether the frame header of {@code jpeg} is progressive (SOF2, SOF6, SOF10, SOF14), walking its segments. */
    static boolean progressiveJpeg(byte[] jpeg) {
        boolean[] progressive = {false};
        JpegSegments.walk(jpeg, (marker, at, length) -> {
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            progressive[0] = frame && (marker & 0x03) == 0x02;
            return frame;
        });
        return progressive[0];
    }

    /** Bytes a pixel of an image of {@code type}, as its sample model stores it (an eighth for 1-bit). */
    static double bytesPerPixel(ImageTypeSpecifier type) {
        SampleModel model = type.getSampleModel(64, 64);
        DataBuffer data = model.createDataBuffer();
        long bytes = (long) data.getSize() * data.getNumBanks() * DataBuffer.getDataTypeSize(data.getDataType()) / 8;
        return bytes / (64.0 * 64.0);
    }

    /** Whether a decoded image of {@code type} is drawn into an upright RGB copy at {@code orientation}. */
    static boolean copied(int type, int orientation) {
        return orientation != ExifOrientation.UPRIGHT
                || (type != BufferedImage.TYPE_3BYTE_BGR && type != BufferedImage.TYPE_INT_RGB);
    }
}
