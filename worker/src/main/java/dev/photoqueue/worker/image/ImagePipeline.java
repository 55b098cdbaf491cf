package dev.photoqueue.worker.image;

import net.coobird.thumbnailator.Thumbnails;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes the JPEG variants of a photo from its bytes. Deterministic: the same bytes and specs give
 * the same output bytes, every time, on every thread. The source is decoded once (see
 * {@link #render}); more pixels than {@code maxPixels} are refused from the header, before any
 * pixel is decoded, so a decompression bomb costs a few kilobytes of heap. Thread-safe.
 */
public final class ImagePipeline {

    /** 50 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    static {
        // Thumbnailator writes through ImageIO.createImageOutputStream, which by default buffers in a
        // temporary file; variants are small and in memory anyway. A JVM-wide ImageIO setting.
        ImageIO.setUseCache(false);
    }

    private final ImageDecoder decoder;

    public ImagePipeline(long maxPixels) {
        this.decoder = new ImageDecoder(maxPixels);
    }

    public long maxPixels() {
        return decoder.maxPixels();
    }

    /**
     * The header of the image in {@code source}, read without decoding pixels or applying the pixel
     * limit. {@link NotAnImageException}, {@link UnsupportedImageFormatException}, or
     * {@link CorruptImageException} when there is no readable header.
     */
    public ImageHeader probe(String photoId, byte[] source) {
        return decoder.probe(photoId, source);
    }

    /**
     * {@link #probe(String, byte[])} of the image in {@code file}, reading from it only the first
     * bytes and what the reader needs for the header, not the whole file into the heap.
     */
    public ImageHeader probe(String photoId, Path file) {
        return decoder.probe(photoId, file);
    }

    /**
     * Decodes {@code source} once, upright (EXIF orientation), and renders every spec from it.
     * Throws the permanent {@link NotAnImageException}, {@link UnsupportedImageFormatException},
     * {@link TooManyPixelsException} (before decoding) or {@link CorruptImageException}.
     */
    public RenderedPhoto render(String photoId, byte[] source, List<VariantSpec> specs) {
        VariantSpec.requireDistinctNames(specs);
        long start = System.nanoTime();
        ImageDecoder.DecodedImage decoded = decoder.decode(photoId, source);
        long decodedAt = System.nanoTime();
        List<RenderedVariant> variants = new ArrayList<>(specs.size());
        try {
            for (VariantSpec spec : specs) {
                variants.add(render(decoded.image(), spec));
            }
        } finally {
            decoder.release(decoded);
        }
        return new RenderedPhoto(decoded.header(), decoded.orientation(), variants, decodedAt - start,
                System.nanoTime() - decodedAt);
    }

    private static RenderedVariant render(BufferedImage upright, VariantSpec spec) {
        VariantSpec.VariantPlan plan = spec.plan(upright.getWidth(), upright.getHeight());
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            Thumbnails.of(upright)
                    .sourceRegion(plan.region())
                    .forceSize(plan.targetWidth(), plan.targetHeight())
                    .imageType(BufferedImage.TYPE_INT_RGB)
                    .outputFormat("jpg")
                    .outputQuality(spec.quality())
                    .toOutputStream(out);
        } catch (IOException e) {
            // writing to memory from a decoded image: only a broken ImageIO installation gets here
            throw new UncheckedIOException("encoding variant " + spec.key() + " failed", e);
        }
        return new RenderedVariant(spec, plan.targetWidth(), plan.targetHeight(), out.toByteArray());
    }
}
