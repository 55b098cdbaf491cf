package dev.photoqueue.worker.image;

import net.coobird.thumbnailator.resizers.DefaultResizerFactory;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Dimension;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Makes the JPEG variants of a photo from its bytes. Deterministic: the same bytes and specs give
 * the same output bytes, every time, on every thread. The source is decoded once (see
 * {@link #render}); more pixels than {@code maxPixels} are refused from the header, before any
 * pixel is decoded, so a decompression bomb costs a few kilobytes of heap. Thread-safe.
 *
 * <p>JPEGs go through libjpeg-turbo where its library loads ({@link JpegCodec}): decoded at the
 * smallest DCT scale that still has every variant's pixels, variants encoded by it too. The
 * variants' sizes do not depend on the codec; their bytes do.
 *
 * <p>Heap: each render reserves what its decode and render will hold from a {@link DecodeBudget}
 * (the process's {@link DecodeBudget#shared()} unless given another), from the header, before a
 * pixel is decoded, and gives it back when its variants are made. A photo that could never fit is
 * a {@link TooLargeForHeapException}; one that does not fit now waits its turn, or, from a
 * pipeline {@link #refusingToWait()}, is a {@link HeapBudgetBusyException}.
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
    private final ScratchImages scratch;
    /** Null: variants are encoded by ImageIO. */
    private final TurboJpeg turbo;
    private final DecodeBudget budget;
    /** False: a render that does not fit the budget now is refused rather than waiting. */
    private final boolean waits;

    /** With the process's {@link JpegCodec#chosen()} codec. */
    public ImagePipeline(long maxPixels) {
        this(maxPixels, JpegCodec.chosen());
    }

    /** With {@code codec}; {@link IllegalStateException} when it is not {@link JpegCodec#available()} here. */
    public ImagePipeline(long maxPixels, JpegCodec codec) {
        this(maxPixels, codec, DecodeBudget.shared());
    }

    /** With {@code codec}, reserving from {@code budget}. */
    ImagePipeline(long maxPixels, JpegCodec codec, DecodeBudget budget) {
        if (!codec.available()) {
            throw new IllegalStateException("JPEG codec " + codec + " is not available: libturbojpeg.so.0 did not load");
        }
        this.turbo = codec == JpegCodec.TURBO ? JpegCodec.turboLibrary().orElseThrow() : null;
        this.decoder = new ImageDecoder(maxPixels, turbo);
        this.scratch = new ScratchImages();
        this.budget = budget;
        this.waits = true;
    }

    private ImagePipeline(ImagePipeline waiting) {
        this.turbo = waiting.turbo;
        this.decoder = waiting.decoder;
        this.scratch = waiting.scratch;
        this.budget = waiting.budget;
        this.waits = false;
    }

    /**
     * This pipeline (the same decoder, buffers and budget) for callers that must not wait for heap,
     * such as a request thread: a render that does not fit what is free of the budget now throws
     * {@link HeapBudgetBusyException} before decoding.
     */
    public ImagePipeline refusingToWait() {
        return waits ? new ImagePipeline(this) : this;
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
     * Decodes {@code source} once, upright (EXIF orientation), and renders every spec from it, each
     * from the smallest halving of it that still has the spec's pixels ({@link HalvingPyramid}).
     * Throws the permanent {@link NotAnImageException}, {@link UnsupportedImageFormatException},
     * {@link TooManyPixelsException} or {@link TooLargeForHeapException} (before decoding) or
     * {@link CorruptImageException}. Waits, on the calling thread, while the {@link DecodeBudget}
     * has too little free (a {@link java.util.concurrent.CancellationException} when interrupted
     * then), unless this pipeline is {@link #refusingToWait()}.
     */
    public RenderedPhoto render(String photoId, byte[] source, List<VariantSpec> specs) {
        return render(photoId, source, specs, Rendering.UPRIGHT);
    }

    /** {@link #render(String, byte[], List)}, every variant drawn the way {@code rendering} says. */
    public RenderedPhoto render(String photoId, byte[] source, List<VariantSpec> specs, Rendering rendering) {
        VariantSpec.requireDistinctNames(specs);
        long start = System.nanoTime();
        try (Admission heap = new Admission()) {
            ImageDecoder.DecodedImage decoded = decoder.decode(photoId, source, specs, heap);
            long decodedAt = System.nanoTime();
            List<RenderedVariant> variants = new ArrayList<>(specs.size());
            try (HalvingPyramid pyramid = new HalvingPyramid(decoded.image(), decoded.fullWidth(),
                    decoded.fullHeight(), scratch)) {
                for (VariantSpec spec : specs) {
                    variants.add(render(pyramid, spec, rendering));
                }
            } finally {
                decoder.release(decoded);
            }
            return new RenderedPhoto(decoded.header(), decoded.orientation(), variants, decodedAt - start,
                    System.nanoTime() - decodedAt, heap.bytes());
        }
    }

    /** The reservation of one render, given back when the render ends, whatever the outcome. One thread. */
    private final class Admission implements HeapAdmission, AutoCloseable {

        private DecodeBudget.Reservation held;

        @Override
        public void admit(String photoId, ImageHeader header, long bytes) {
            close(); // a second decode of the photo: never wait while holding heap
            if (!waits) {
                held = budget.tryReserve(photoId, header, bytes)
                        .orElseThrow(() -> new HeapBudgetBusyException(photoId, header, bytes, budget));
                return;
            }
            try {
                held = budget.reserve(photoId, header, bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("photo " + photoId + ": interrupted while waiting for " + bytes
                        + " bytes of the decode budget");
            }
        }

        long bytes() {
            return held == null ? 0 : held.bytes();
        }

        @Override
        public void close() {
            if (held != null) {
                held.close();
                held = null;
            }
        }
    }

    /**
     * One variant: its cut of the pyramid scaled by the resizer Thumbnailator picks for the sizes
     * (bilinear, as the cut is less than twice the target) into a scratch image, then encoded; a
     * strip one pixel thin by {@link StripScaling}.
     */
    private RenderedVariant render(HalvingPyramid pyramid, VariantSpec spec, Rendering rendering) {
        long start = System.nanoTime();
        VariantSpec.VariantPlan plan = spec.plan(pyramid.fullWidth(), pyramid.fullHeight());
        HalvingPyramid.Cut cut = pyramid.cut(plan);
        Rectangle r = cut.region();
        BufferedImage variant = scratch.take(plan.targetWidth(), plan.targetHeight());
        try {
            BufferedImage region = cut.image().getSubimage(r.x, r.y, r.width, r.height);
            if (StripScaling.applies(r.width, r.height, plan.targetWidth(), plan.targetHeight())) {
                StripScaling.resize(region, variant);
            } else {
                DefaultResizerFactory.getInstance()
                        .getResizer(new Dimension(r.width, r.height), new Dimension(plan.targetWidth(), plan.targetHeight()))
                        .resize(region, variant);
            }
            if (rendering == Rendering.UPSIDE_DOWN) {
                turnHalfTurn(variant);
            }
            byte[] jpeg = jpeg(variant, spec);
            return new RenderedVariant(spec, plan.targetWidth(), plan.targetHeight(), jpeg, System.nanoTime() - start);
        } finally {
            scratch.give(variant);
        }
    }

    /** Turns {@code image} half a turn in place: row y becomes row h-1-y, read backwards. */
    static void turnHalfTurn(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] upper = new int[w];
        int[] lower = new int[w];
        for (int y = 0; y < (h + 1) / 2; y++) {
            int mirror = h - 1 - y;
            image.getRGB(0, y, w, 1, upper, 0, w);
            image.getRGB(0, mirror, w, 1, lower, 0, w);
            reverse(upper);
            reverse(lower);
            image.setRGB(0, y, w, 1, lower, 0, w);
            image.setRGB(0, mirror, w, 1, upper, 0, w);
        }
    }

    private static void reverse(int[] row) {
        for (int i = 0, j = row.length - 1; i < j; i++, j--) {
            int t = row[i];
            row[i] = row[j];
            row[j] = t;
        }
    }

    /**
     * ImageIO's quality (0 to 1] as libjpeg's 1 to 100: ImageIO scales the standard quantisation
     * tables by the same formula from {@code quality x 100}, so the tables are the same but for
     * rounding (ImageIO's is in floating point: an entry may come out one apart).
     */
    static int turboQuality(float quality) {
        return Math.max(1, Math.min(100, Math.round(quality * 100)));
    }

    /**
     * The image as a baseline JPEG of the spec's quality, 4:2:0, standard Huffman tables: by
     * TurboJPEG when the pipeline has it, else written the way Thumbnailator writes one.
     */
    private byte[] jpeg(BufferedImage image, VariantSpec spec) {
        if (turbo != null && TurboJpeg.encodes(image)) {
            return turbo.encode(image, turboQuality(spec.quality()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(spec.quality());
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            // writing to memory from a decoded image: only a broken ImageIO installation gets here
            throw new UncheckedIOException("encoding variant " + spec.key() + " failed", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
