package dev.photoqueue.worker.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG image given by its exact samples, and its file written chunk by chunk here (IHDR, PLTE,
 * tRNS, IDAT, IEND) rather than by ImageIO, so that a test knows every stored value and can work
 * out what each pixel must look like without decoding the file itself.
 *
 * @param colourType   0 grey, 2 RGB, 3 palette, 4 grey and alpha, 6 RGB and alpha (the IHDR codes)
 * @param bitDepth     bits a sample (an index, for palette images): 1, 2, 4, 8 or 16 as the type allows
 * @param samples      {@code width * height * channels()} samples, row by row, channels interleaved
 * @param palette      0xRRGGBB entries (palette images only, else null)
 * @param transparency the tRNS chunk's values: one grey key, an RGB key of three, or one alpha per
 *                     leading palette entry; null for no tRNS chunk
 * @param interlaced   Adam7 when true
 */
record PngImage(int colourType, int bitDepth, int width, int height, int[] samples, int[] palette,
                int[] transparency, boolean interlaced) {

    static final int GREY = 0;
    static final int RGB = 2;
    static final int PALETTE = 3;
    static final int GREY_ALPHA = 4;
    static final int RGBA = 6;

    /** Adam7's passes: first column, first row, column step, row step. */
    private static final int[][] ADAM7 = {
            {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

    PngImage {
        if (samples.length != width * height * channels(colourType)) {
            throw new IllegalArgumentException(samples.length + " samples for " + width + "x" + height
                    + " of colour type " + colourType);
        }
        int max = (1 << bitDepth) - 1;
        for (int s : samples) {
            if (s < 0 || s > max) {
                throw new IllegalArgumentException("sample " + s + " does not fit " + bitDepth + " bits");
            }
        }
    }

    int channels() {
        return channels(colourType);
    }

    /** The largest sample value, {@code 2^bitDepth - 1}. */
    int maxSample() {
        return (1 << bitDepth) - 1;
    }

    /** Sample {@code channel} of the pixel at {@code x, y}. */
    int sample(int x, int y, int channel) {
        return samples[(y * width + x) * channels() + channel];
    }

    static int channels(int colourType) {
        return switch (colourType) {
            case GREY, PALETTE -> 1;
            case GREY_ALPHA -> 2;
            case RGB -> 3;
            case RGBA -> 4;
            default -> throw new IllegalArgumentException("no PNG colour type " + colourType);
        };
    }

    /** The PNG file. */
    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth)
                .put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) (interlaced ? 1 : 0)).array());
        if (palette != null) {
            ByteBuffer plte = ByteBuffer.allocate(palette.length * 3);
            for (int rgb : palette) {
                plte.put((byte) (rgb >> 16)).put((byte) (rgb >> 8)).put((byte) rgb);
            }
            chunk(out, "PLTE", plte.array());
        }
        if (transparency != null) {
            ByteBuffer trns = ByteBuffer.allocate(colourType == PALETTE ? transparency.length : transparency.length * 2);
            for (int value : transparency) {
                if (colourType == PALETTE) {
                    trns.put((byte) value);
                } else {
                    trns.putShort((short) value);
                }
            }
            chunk(out, "tRNS", trns.array());
        }
        // several IDAT chunks, as encoders split their data: the reader must join them
        byte[] compressed = deflate(scanlines());
        for (int from = 0; from < compressed.length; from += 1000) {
            chunk(out, "IDAT", Arrays.copyOfRange(compressed, from, Math.min(compressed.length, from + 1000)));
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The filtered scanlines before compression: the whole image, or Adam7's seven reduced images in turn. */
    private byte[] scanlines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!interlaced) {
            rows(out, 0, 0, 1, 1);
        } else {
            for (int[] pass : ADAM7) {
                rows(out, pass[0], pass[1], pass[2], pass[3]);
            }
        }
        return out.toByteArray();
    }

    /**
     * The rows of the reduced image of pixels {@code (x0 + i * dx, y0 + j * dy)}, each filter type 0
     * (none) and packed big-endian, samples below 8 bits leftmost in the high bits. An empty reduced
     * image has no rows at all, not even filter bytes, as the standard says.
     */
    private void rows(ByteArrayOutputStream out, int x0, int y0, int dx, int dy) {
        int columns = width > x0 ? (width - x0 + dx - 1) / dx : 0;
        if (columns == 0) {
            return;
        }
        for (int y = y0; y < height; y += dy) {
            int bits = columns * channels() * bitDepth;
            byte[] row = new byte[(bits + 7) / 8];
            int bit = 0;
            for (int x = x0; x < width; x += dx) {
                for (int c = 0; c < channels(); c++) {
                    int s = sample(x, y, c);
                    if (bitDepth == 16) {
                        row[bit / 8] = (byte) (s >> 8);
                        row[bit / 8 + 1] = (byte) s;
                    } else {
                        row[bit / 8] |= (byte) (s << (8 - bitDepth - bit % 8));
                    }
                    bit += bitDepth;
                }
            }
            out.write(0);
            out.writeBytes(row);
        }
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Override
    public String toString() {
        String[] names = {"grey", "?", "RGB", "palette", "grey+alpha", "?", "RGBA"};
        return names[colourType] + " " + bitDepth + "-bit" + (transparency != null ? " with tRNS" : "")
                + (interlaced ? ", Adam7" : "") + ", " + width + "x" + height;
    }
}
