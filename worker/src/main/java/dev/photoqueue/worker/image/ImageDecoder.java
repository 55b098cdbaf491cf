package dev.photoqueue.worker.image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Turns image bytes into one upright, opaque 8-bit RGB image: the format from the magic number,
 * the dimensions from the header checked against {@code maxPixels} before any pixel is decoded,
 * the first frame only (GIF), the EXIF orientation applied (JPEG), transparency flattened on
 * white, 16-bit and greyscale samples drawn into RGB; PNGs of every colour type and bit depth as
 * libvips and browsers show them ({@link PngOnWhite}). Thread-safe: each call uses its own reader.
 */
final class ImageDecoder {

    /** How libjpeg words "the compressed data ended before the image was complete". */
    private static final String PREMATURE_END = "premature end";
    /** How ImageIO words libjpeg's "the file ended before its end marker" ("Truncated File - Missing EOI marker"). */
    private static final String MISSING_END = "missing eoi";

    /** Enough leading bytes for every magic number {@link ImageFormat#sniff} looks at. */
    private static final int SNIFF_BYTES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);

    private final long maxPixels;
    private final DecodeBuffers buffers = new DecodeBuffers();
    /** Null: every JPEG is decoded by ImageIO. */
    private final TurboJpeg turbo;

    ImageDecoder(long maxPixels, TurboJpeg turbo) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, was " + maxPixels);
        }
        this.maxPixels = maxPixels;
        this.turbo = turbo;
    }

    long maxPixels() {
        return maxPixels;
    }

    /** The header of the image in {@code bytes}, without decoding it and without the pixel limit. */
    ImageHeader probe(String photoId, byte[] bytes) {
        ImageFormat format = supportedFormat(photoId, bytes);
        ImageReader reader = readerFor(photoId, format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, ignoresMetadata(format));
            return readHeader(photoId, format, reader, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException("closing an in-memory image stream failed", e);
        } finally {
            reader.dispose();
        }
    }

    /** The header of the image in {@code file}, reading the first bytes and the header only. */
    ImageHeader probe(String photoId, Path file) {
        long size;
        byte[] leading = new byte[SNIFF_BYTES];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            n = in.readNBytes(leading, 0, leading.length);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the image file " + file + " of photo " + photoId, e);
        }
        leading = Arrays.copyOf(leading, n);
        ImageFormat format = supportedFormat(photoId, leading, size);
        ImageReader reader = readerFor(photoId, format);
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            reader.setInput(in, true, ignoresMetadata(format));
            return readHeader(photoId, format, reader, (int) Math.min(size, Integer.MAX_VALUE));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the image file " + file + " of photo " + photoId, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes {@code bytes} for the variants {@code specs}: a JPEG that TurboJPEG reads, with
     * YCbCr, RGB or grey samples and no ICC profile, at the smallest DCT scale that still has
     * every variant's pixels ({@link DecodeScale}); everything else, and every JPEG TurboJPEG fails
     * on or warns about, with ImageIO at full size as {@link #decode(String, byte[])}, whose
     * verdict on damaged data is the one given. Either way the pixel limit is checked on the
     * header, and the heap the decode and render will hold is reserved from {@code heap}, before a
     * pixel is decoded.
     */
    DecodedImage decode(String photoId, byte[] bytes, List<VariantSpec> specs, HeapAdmission heap) {
        if (turbo != null && ImageFormat.sniff(bytes) == ImageFormat.JPEG && !IccProfileSegment.present(bytes)) {
            DecodedImage scaled = decodeScaled(photoId, bytes, specs, heap);
            if (scaled != null) {
                return scaled;
            }
        }
        return decodeWithImageIo(photoId, bytes, specs, heap);
    }

    /** The TurboJPEG decode of {@link #decode(String, byte[], List, HeapAdmission)}; null to leave it to ImageIO. */
    private DecodedImage decodeScaled(String photoId, byte[] bytes, List<VariantSpec> specs, HeapAdmission heap) {
        try (TurboJpeg.Decompression jpeg = turbo.open(bytes)) {
            TurboJpeg.Header stored = jpeg.header();
            if (stored == null || !(stored.colorspace() == TurboJpeg.TJCS_YCBCR
                    || stored.colorspace() == TurboJpeg.TJCS_GRAY || stored.colorspace() == TurboJpeg.TJCS_RGB)) {
                return null; // CMYK and YCCK (TwelveMonkeys converts them), or no header TurboJPEG can read
            }
            ImageHeader header = new ImageHeader(ImageFormat.JPEG, stored.width(), stored.height());
            if (header.pixels() > maxPixels) {
                throw new TooManyPixelsException(photoId, ImageFormat.JPEG, header.width(), header.height(), maxPixels);
            }
            int orientation = ExifOrientation.of(bytes);
            int eighths = DecodeScale.eighths(header.width(), header.height(), orientation, specs);
            int width = TurboJpeg.scaled(header.width(), eighths);
            int height = TurboJpeg.scaled(header.height(), eighths);
            boolean swapped = orientation >= 5;
            heap.admit(photoId, header, HeapEstimate.bytes(width, height, 3, orientation != ExifOrientation.UPRIGHT,
                    swapped ? header.height() : header.width(), swapped ? header.width() : header.height(), specs,
                    bytes.length, false));
            BufferedImage buffer = buffers.take(width, height);
            BufferedImage target = buffer != null ? buffer
                    : new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            String problem = jpeg.decode(stored, eighths, target);
            if (problem != null) {
                if (buffer != null) {
                    buffers.give(buffer);
                }
                LOG.debug("photo {}: TurboJPEG said \"{}\"; decoding it with ImageIO", photoId, problem);
                return null;
            }
            BufferedImage raw = target.getWidth() == width && target.getHeight() == height ? target
                    : target.getSubimage(0, 0, width, height);
            BufferedImage upright = uprightRgb(raw, orientation);
            if (buffer != null && upright != raw) {
                buffers.give(buffer); // drawn into a copy: the buffer is free again at once
                buffer = null;
            }
            return new DecodedImage(header, orientation, upright, buffer, swapped ? header.height() : header.width(),
                    swapped ? header.width() : header.height());
        }
    }

    /**
     * Decodes {@code bytes} with ImageIO at full size; the permanent image exceptions when they
     * cannot or must not be. Reserves no heap.
     */
    DecodedImage decode(String photoId, byte[] bytes) {
        return decodeWithImageIo(photoId, bytes, List.of(), HeapAdmission.NONE);
    }

    /**
     * {@link #decode(String, byte[])}, reserving from {@code heap} for a render of {@code specs}; with
     * {@link HeapAdmission#NONE} nothing is estimated.
     */
    private DecodedImage decodeWithImageIo(String photoId, byte[] bytes, List<VariantSpec> specs,
                                           HeapAdmission heap) {
        ImageFormat format = supportedFormat(photoId, bytes);
        ImageReader reader = readerFor(photoId, format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, ignoresMetadata(format));
            ImageHeader header = readHeader(photoId, format, reader, bytes.length);
            if (header.pixels() > maxPixels) {
                throw new TooManyPixelsException(photoId, format, header.width(), header.height(), maxPixels);
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            PngLayout png = format == ImageFormat.PNG ? PngLayout.of(bytes) : null;
            int orientation = format == ImageFormat.JPEG ? ExifOrientation.of(bytes) : ExifOrientation.UPRIGHT;
            if (heap != HeapAdmission.NONE) {
                heap.admit(photoId, header, estimate(photoId, reader, header, png, orientation, specs, bytes));
            }
            BufferedImage raw;
            BufferedImage buffer = null;
            try {
                buffer = format == ImageFormat.JPEG ? buffers.take(reader, header.width(), header.height()) : null;
                if (png != null && png.transparentKey() != null) {
                    // the samples as stored: ImageIO would add an alpha band of its own making (see PngOnWhite)
                    ImageReadParam param = reader.getDefaultReadParam();
                    param.setDestinationType(reader.getRawImageType(0));
                    raw = reader.read(0, param);
                } else if (buffer == null) {
                    raw = reader.read(0);
                } else {
                    ImageReadParam param = reader.getDefaultReadParam();
                    param.setDestination(buffer);
                    raw = reader.read(0, param).getSubimage(0, 0, header.width(), header.height());
                }
            } catch (IOException | RuntimeException e) {
                throw new CorruptImageException(photoId, format, bytes.length, "pixel data", e);
            }
            requireComplete(photoId, format, bytes.length, warnings,
                    format == ImageFormat.JPEG && ArithmeticCoding.used(bytes));
            BufferedImage upright = png != null ? PngOnWhite.flatten(raw, png) : uprightRgb(raw, orientation);
            if (buffer != null && upright != raw) {
                buffers.give(buffer); // drawn into a copy: the buffer is free again at once
                buffer = null;
            }
            return new DecodedImage(header, orientation, upright, buffer, upright.getWidth(), upright.getHeight());
        } catch (IOException e) {
            throw new UncheckedIOException("closing an in-memory image stream failed", e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * {@link HeapEstimate} of an ImageIO decode: into the reader's first image type (the one
     * {@code read(0)} makes), or its stored type for a PNG with a transparent colour.
     */
    private long estimate(String photoId, ImageReader reader, ImageHeader header, PngLayout png, int orientation,
                          List<VariantSpec> specs, byte[] bytes) {
        ImageTypeSpecifier type;
        try {
            boolean keyed = png != null && png.transparentKey() != null;
            Iterator<ImageTypeSpecifier> types = keyed ? null : reader.getImageTypes(0);
            type = keyed ? reader.getRawImageType(0) : types.hasNext() ? types.next() : null;
            if (type == null) {
                throw new IOException("the reader names no image type to decode into");
            }
        } catch (IOException | RuntimeException e) {
            throw new CorruptImageException(photoId, header.format(), bytes.length, "header", e);
        }
        boolean copied = HeapEstimate.copied(type.getBufferedImageType(), orientation)
                || (png != null && png.transparentKey() != null);
        boolean swapped = orientation >= 5;
        return HeapEstimate.bytes(header.width(), header.height(),
                HeapEstimate.imageIoBytesPerPixel(type, header.format(), bytes), copied,
                swapped ? header.height() : header.width(), swapped ? header.width() : header.height(), specs,
                bytes.length, turbo == null);
    }

    /**
     * A JPEG cut off inside its pixel data decodes with the rest painted grey and only a warning;
     * that is a damaged upload, not a photo. Other warnings (extraneous bytes, a missing end
     * marker after complete data) are common in real camera files and pass, except in an
     * {@code arithmetic}-coded JPEG, whose decoder reads a cut-off file's missing bytes as zeros
     * and says nothing else ({@link ArithmeticCoding}): there a missing end marker is taken for
     * the end of the data. No camera writes arithmetic coding, so no camera file is refused by it.
     */
    private static void requireComplete(String photoId, ImageFormat format, int size, List<String> warnings,
                                        boolean arithmetic) {
        for (String warning : warnings) {
            String said = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (said.contains(PREMATURE_END) || (arithmetic && said.contains(MISSING_END))) {
                throw new CorruptImageException(photoId, format, size, "pixel data",
                        new EOFException("the data ends early; the decoder warned: " + warnings));
            }
        }
    }

    /**
     * Metadata is not needed to decode PNG, GIF or BMP, and the PNG reader would inflate every
     * compressed text chunk into the heap: a bomb of its own. JPEG keeps its metadata: the
     * TwelveMonkeys reader needs the Adobe and ICC segments for CMYK and YCCK (the EXIF
     * orientation is read from the bytes separately).
     */
    private static boolean ignoresMetadata(ImageFormat format) {
        return format != ImageFormat.JPEG;
    }

    private static ImageFormat supportedFormat(String photoId, byte[] bytes) {
        return supportedFormat(photoId, bytes, bytes.length);
    }

    /** The format of a file of {@code size} bytes that starts with {@code leading}. */
    private static ImageFormat supportedFormat(String photoId, byte[] leading, long size) {
        ImageFormat format = ImageFormat.sniff(leading);
        if (format == null) {
            throw new NotAnImageException(photoId, leading, size);
        }
        if (!format.supported()) {
            throw new UnsupportedImageFormatException(photoId, format);
        }
        return format;
    }

    /** The first registered reader: for JPEG that is TwelveMonkeys', which also reads CMYK and YCCK. */
    private static ImageReader readerFor(String photoId, ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.readerName());
        if (!readers.hasNext()) {
            throw new UnsupportedImageFormatException(photoId, format);
        }
        return readers.next();
    }

    private static ImageHeader readHeader(String photoId, ImageFormat format, ImageReader reader, int size) {
        try {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw new IOException("header declares " + width + "x" + height);
            }
            return new ImageHeader(format, width, height);
        } catch (IOException | RuntimeException e) {
            throw new CorruptImageException(photoId, format, size, "header", e);
        }
    }

    /**
     * Draws {@code raw} upright into an opaque RGB image on white; an image that is upright and
     * opaque 8-bit RGB already (most camera JPEGs decode to 3-byte BGR) is used as it is, which
     * spares a copy of every pixel: 4 bytes a pixel of heap and a full-size draw per photo. Grey
     * of more than 8 bits is scaled to 8 first ({@link GreySamples}), not colour-converted.
     */
    private static BufferedImage uprightRgb(BufferedImage decoded, int orientation) {
        BufferedImage raw = GreySamples.needsScaling(decoded) ? GreySamples.toByteGrey(decoded) : decoded;
        if (orientation == ExifOrientation.UPRIGHT && (raw.getType() == BufferedImage.TYPE_3BYTE_BGR
                || raw.getType() == BufferedImage.TYPE_INT_RGB)) {
            return raw;
        }
        int w = raw.getWidth();
        int h = raw.getHeight();
        boolean swapped = orientation >= 5;
        BufferedImage canvas = new BufferedImage(swapped ? h : w, swapped ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.drawImage(raw, orientationTransform(orientation, w, h), null);
        } finally {
            g.dispose();
        }
        return canvas;
    }

    /** Maps a stored {@code w x h} image to its upright position, for EXIF orientations 1 to 8. */
    static AffineTransform orientationTransform(int orientation, int w, int h) {
        return switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);   // mirrored left-right
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);  // turned 180
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);   // mirrored top-bottom
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);    // transposed
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);   // needs a quarter turn clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);  // transversed
            case 8 -> new AffineTransform(0, -1, 1, 0, 0, w);   // needs a quarter turn anticlockwise
            default -> new AffineTransform();
        };
    }

    /**
     * A decoded photo, upright: {@code image} is the photo at its full upright size of
     * {@code fullWidth x fullHeight}, or smaller when decoded at a DCT scale. When {@code buffer}
     * is set, {@code image} lives in that pooled buffer: {@link #release} it once the variants are
     * rendered, and do not use the image after.
     */
    record DecodedImage(ImageHeader header, int orientation, BufferedImage image, BufferedImage buffer,
                        int fullWidth, int fullHeight) {
    }

    /** Gives the decoded image's pooled buffer, if it has one, back for the next photo. */
    void release(DecodedImage decoded) {
        if (decoded.buffer() != null) {
            buffers.give(decoded.buffer());
        }
    }
}
