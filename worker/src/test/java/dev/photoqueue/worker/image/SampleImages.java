package dev.photoqueue.worker.image;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.IntBinaryOperator;
import java.util.zip.CRC32;

/**
 * The real photos of {@code sample-images/} and the odd files the tests derive from them: CMYK and
 * YCCK JPEGs, EXIF-rotated JPEGs, PNG with alpha, GIF, BMP, 16-bit and greyscale images, truncated
 * files and decompression bombs. Built in memory from the real photos, so no binary test files
 * need explaining; the sample folder is only read.
 */
public final class SampleImages {

    private SampleImages() {
    }

    /** The repository's {@code sample-images} folder (Surefire runs in the module's folder). */
    public static Path folder() {
        Path dir = Path.of("..", "sample-images").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("sample images not found at " + dir);
        }
        return dir;
    }

    /**
     * The photographs of the sample folder, by file name: the JPEGs with capitalised names (the
     * folder's odd files, made for the failure paths, have lower-case names; see its README).
     */
    public static List<String> photoNames() {
        try (var files = Files.list(folder())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jpg") && Character.isUpperCase(n.charAt(0))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real photo at an eighth of its width and height, as a baseline JPEG: quick to process. */
    public static byte[] eighthSizePhoto(String name) {
        BufferedImage full = decode(photo(name));
        return jpeg(scaledPhoto(name, full.getWidth() / 8, full.getHeight() / 8));
    }

    public static byte[] photo(String name) {
        try {
            return Files.readAllBytes(folder().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A real photo scaled to {@code w x h}, as 8-bit RGB. */
    public static BufferedImage scaledPhoto(String name, int w, int h) {
        BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(decode(photo(name)), 0, 0, w, h, null);
        g.dispose();
        return scaled;
    }

    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("no reader for " + bytes.length + " bytes");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] encode(RenderedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no " + format + " writer for " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A baseline JPEG of {@code image} written by the JDK's encoder. */
    public static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpg");
    }

    /**
     * A four-channel Adobe JPEG of {@code rgb}: {@code ycck} false gives CMYK (Adobe transform 0),
     * true gives YCCK (transform 2), both stored inverted as Photoshop writes them.
     */
    public static byte[] adobeJpeg(BufferedImage rgb, boolean ycck) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        int[] sample = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = rgb.getRGB(x, y);
                double r = ((p >> 16) & 255) / 255.0;
                double g = ((p >> 8) & 255) / 255.0;
                double b = (p & 255) / 255.0;
                double k = 1 - Math.max(r, Math.max(g, b));
                double scale = k >= 1 ? 0 : 1 / (1 - k);
                int c = clamp(255 * (1 - (1 - r - k) * scale));
                int m = clamp(255 * (1 - (1 - g - k) * scale));
                int ye = clamp(255 * (1 - (1 - b - k) * scale));
                sample[3] = clamp(255 * (1 - k));
                if (ycck) {
                    int rr = 255 - c;
                    int gg = 255 - m;
                    int bb = 255 - ye;
                    sample[0] = clamp(0.299 * rr + 0.587 * gg + 0.114 * bb);
                    sample[1] = clamp(128 - 0.168736 * rr - 0.331264 * gg + 0.5 * bb);
                    sample[2] = clamp(128 + 0.5 * rr - 0.418688 * gg - 0.081312 * bb);
                } else {
                    sample[0] = c;
                    sample[1] = m;
                    sample[2] = ye;
                }
                raster.setPixel(x, y, sample);
            }
        }
        ImageWriter writer = jdkJpegWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0,
                (byte) (ycck ? 2 : 0)};
        return insertAfterSoi(out.toByteArray(), adobe);
    }

    /** A progressive JPEG of {@code image}. */
    public static byte[] progressiveJpeg(BufferedImage image) {
        ImageWriter writer = jdkJpegWriter();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** True when the JPEG's frame header is SOF2 (progressive). */
    public static boolean isProgressive(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC2) {
                return true;
            }
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                return false;
            }
        }
        return false;
    }

    /** {@code jpeg} with an EXIF APP1 segment carrying {@code orientation} (big-endian TIFF, one IFD entry). */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN
                : java.nio.ByteOrder.LITTLE_ENDIAN);
        tiff.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I').putShort((short) 42)
                .putInt(8)
                .putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
                .putInt(0);
        byte[] body = tiff.array();
        int length = 2 + 6 + body.length;
        ByteBuffer app1 = ByteBuffer.allocate(2 + length);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length).put(new byte[]{'E', 'x', 'i', 'f', 0, 0})
                .put(body);
        return insertAfterSoi(jpeg, app1.array());
    }

    /** A PNG of the photo whose left half is fully transparent. */
    public static byte[] pngWithTransparentLeftHalf(BufferedImage photo) {
        BufferedImage argb = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                int alpha = x < photo.getWidth() / 2 ? 0 : 0xFF;
                argb.setRGB(x, y, (alpha << 24) | (photo.getRGB(x, y) & 0xFFFFFF));
            }
        }
        return encode(argb, "png");
    }

    /** A two-frame GIF: the photo first, then a frame of solid blue. */
    public static byte[] twoFrameGif(BufferedImage photo) {
        BufferedImage blue = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blue.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(0, 0, blue.getWidth(), blue.getHeight());
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(photo, null, null), null);
            writer.writeToSequence(new IIOImage(blue, null, null), null);
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The photo with 16 bits a sample: RGB when {@code grey} is false, one grey channel when true. */
    public static byte[] sixteenBitPng(BufferedImage photo, boolean grey) {
        int w = photo.getWidth();
        int h = photo.getHeight();
        BufferedImage deep;
        if (grey) {
            deep = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        } else {
            ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false,
                    false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
            deep = new BufferedImage(model, model.createCompatibleWritableRaster(w, h), false, null);
        }
        WritableRaster raster = deep.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = photo.getRGB(x, y);
                int r = (p >> 16) & 255;
                int g = (p >> 8) & 255;
                int b = p & 255;
                if (grey) {
                    raster.setSample(x, y, 0, luma(p) * 257);
                } else {
                    raster.setPixel(x, y, new int[]{r * 257, g * 257, b * 257});
                }
            }
        }
        return encode(deep, "png");
    }

    /** The photo as 8-bit greyscale. */
    public static BufferedImage grey(BufferedImage photo) {
        BufferedImage grey = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = grey.getRaster();
        for (int y = 0; y < photo.getHeight(); y++) {
            for (int x = 0; x < photo.getWidth(); x++) {
                raster.setSample(x, y, 0, luma(photo.getRGB(x, y)));
            }
        }
        return grey;
    }

    /** A valid PNG signature and header declaring {@code w x h}, then a few bytes of image data: a bomb's shape. */
    public static byte[] pngDeclaring(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[]{0x78, (byte) 0x9C, 0x63, 0, 0, 0, 1, 0, 1});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A real, complete one-bit PNG of {@code w x h} black pixels: kilobytes on disk, {@code w * h}
     * pixels once decoded, built row by row so that making it needs no image in memory.
     */
    public static byte[] blackPng(int w, int h) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream deflate = new java.util.zip.DeflaterOutputStream(compressed)) {
            byte[] row = new byte[1 + (w + 7) / 8]; // filter type 0, then eight pixels a byte
            for (int y = 0; y < h; y++) {
                deflate.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 1).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * {@code png} with a zTXt text chunk inserted after its header whose text inflates to
     * {@code textBytes} bytes: a bomb in the metadata rather than the pixels.
     */
    public static byte[] withCompressedTextChunk(byte[] png, long textBytes) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("Comment".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        data.write(0); // end of keyword
        data.write(0); // compression method: zlib
        try (java.util.zip.DeflaterOutputStream deflate = new java.util.zip.DeflaterOutputStream(data,
                new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED), 1 << 16)) {
            byte[] block = new byte[1 << 20];
            Arrays.fill(block, (byte) 'a');
            for (long written = 0; written < textBytes; written += block.length) {
                deflate.write(block, 0, (int) Math.min(block.length, textBytes - written));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int afterHeader = 8 + 8 + 13 + 4; // signature, IHDR length and type, IHDR data, CRC
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        chunk(out, "zTXt", data.toByteArray());
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    /** {@code jpeg} with its frame header (SOF0 or SOF2) rewritten to declare {@code w x h}. */
    public static byte[] jpegDeclaring(byte[] jpeg, int w, int h) {
        byte[] copy = jpeg.clone();
        int i = 2;
        while (i + 9 < copy.length) {
            int marker = copy[i + 1] & 0xFF;
            int length = ((copy[i + 2] & 0xFF) << 8) | (copy[i + 3] & 0xFF);
            if (marker == 0xC0 || marker == 0xC2) {
                copy[i + 5] = (byte) (h >> 8);
                copy[i + 6] = (byte) h;
                copy[i + 7] = (byte) (w >> 8);
                copy[i + 8] = (byte) w;
                return copy;
            }
            i += 2 + length;
        }
        throw new IllegalArgumentException("no frame header in " + jpeg.length + " bytes");
    }

    /**
     * A lossless JPEG (SOF3, predictor 1) of one grey component of {@code bits} (2 to 15) bits a
     * sample, {@code sample} giving each pixel's value at (x, y). Made here because neither ImageIO
     * nor TurboJPEG 2 writes lossless JPEG; its one Huffman table gives every difference category
     * a 5-bit code.
     */
    public static byte[] losslessGreyJpeg(int w, int h, int bits, IntBinaryOperator sample) {
        ByteArrayOutputStream scan = new ByteArrayOutputStream();
        int[] acc = {0, 0}; // bits gathered, how many
        BiConsumer<Integer, Integer> put = (value, length) -> {
            for (int i = length - 1; i >= 0; i--) {
                acc[0] = (acc[0] << 1) | ((value >> i) & 1);
                if (++acc[1] == 8) {
                    scan.write(acc[0]);
                    if (acc[0] == 0xFF) {
                        scan.write(0); // stuffed byte
                    }
                    acc[0] = 0;
                    acc[1] = 0;
                }
            }
        };
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int predicted = x == 0 && y == 0 ? 1 << (bits - 1)
                        : x == 0 ? sample.applyAsInt(0, y - 1) : sample.applyAsInt(x - 1, y);
                int diff = sample.applyAsInt(x, y) - predicted;
                int category = diff == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(Math.abs(diff));
                put.accept(category, 5);
                if (category > 0) {
                    put.accept(diff > 0 ? diff : diff + (1 << category) - 1, category);
                }
            }
        }
        if (acc[1] > 0) {
            put.accept((1 << (8 - acc[1])) - 1, 8 - acc[1]); // padded with ones
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
        segment(out, 0xC3, new byte[] {(byte) bits, (byte) (h >> 8), (byte) h, (byte) (w >> 8), (byte) w, 1, 1, 0x11, 0});
        byte[] table = new byte[1 + 16 + bits + 1];
        table[1 + 4] = (byte) (bits + 1); // bits + 1 codes of 5 bits: categories 0 to bits
        for (int c = 0; c <= bits; c++) {
            table[17 + c] = (byte) c;
        }
        segment(out, 0xC4, table);
        segment(out, 0xDA, new byte[] {1, 1, 0x00, 1, 0, 0}); // predictor 1: the sample to the left
        out.writeBytes(scan.toByteArray());
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        int length = payload.length + 2;
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) marker, (byte) (length >> 8), (byte) length});
        out.writeBytes(payload);
    }

    /**
     * A 32x32 {@link Quadrants} JPEG, arithmetic-coded (SOF9), as libjpeg-turbo's
     * {@code cjpeg -arithmetic -quality 90} wrote it: ImageIO and TurboJPEG 2 can read such files
     * but write none, so its 235 bytes are kept here.
     */
    public static byte[] arithmeticJpeg() {
        return Base64.getDecoder().decode(ARITHMETIC_JPEG);
    }

    private static final String ARITHMETIC_JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQ"
            + "ERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"
            + "FBQUFBQUFBQUFBQUFBT/yQARCAAgACADASIAAhEBAxEB/8wACgAQEAUBEBEF/9oADAMBAAIRAxEAPwD/ANlLDFuAlRQYpR8o"
            + "hLnQbUbP8ar/AIOvG3aTyyD/2Q==";

    /** The first {@code fraction} of {@code bytes}. */
    public static byte[] truncated(byte[] bytes, double fraction) {
        return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    }

    private static int luma(int rgb) {
        return clamp(0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255));
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    private static ImageWriter jdkJpegWriter() {
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter writer = it.next();
            if (writer.getClass().getName().startsWith("com.sun.")) {
                return writer;
            }
        }
        throw new IllegalStateException("the JDK's JPEG writer is not registered");
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
