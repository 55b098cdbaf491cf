package dev.photoqueue.worker.image;

/**
 * How a PNG stores its samples, read from the file's own chunks: the colour type and bit depth of
 * its header, and the transparent colour of its tRNS chunk when a grey or RGB image has one. Only
 * chunk headers are walked, up to the first IDAT (where the standard puts tRNS at the latest); no
 * pixel data and no text chunk is read.
 *
 * @param transparentKey the samples of the fully transparent colour as stored (one grey value or
 *                       red, green, blue, at the image's bit depth), or null when there is none;
 *                       palette images carry their alphas in their palette instead
 */
record PngLayout(int colourType, int bitDepth, int[] transparentKey) {

    static final int GREY = 0;
    static final int RGB = 2;
    static final int PALETTE = 3;
    static final int GREY_ALPHA = 4;
    static final int RGBA = 6;

    /** Signature (8), then IHDR's length, type and 13 bytes of data, then its CRC. */
    private static final int IHDR_DATA = 16;
    private static final int AFTER_IHDR = IHDR_DATA + 13 + 4;
    private static final int IDAT = chunkType("IDAT");
    private static final int TRNS = chunkType("tRNS");

    /**
     * The layout of {@code png}, whose header a reader has already accepted. A damaged chunk after
     * the header ends the walk: the reader reports the damage when it decodes the pixels.
     */
    static PngLayout of(byte[] png) {
        if (png.length < AFTER_IHDR) {
            throw new IllegalArgumentException("a PNG header needs " + AFTER_IHDR + " bytes, got " + png.length);
        }
        int bitDepth = png[IHDR_DATA + 8] & 0xFF;
        int colourType = png[IHDR_DATA + 9] & 0xFF;
        int[] key = null;
        int at = AFTER_IHDR;
        while (at + 8 <= png.length) {
            int length = int32(png, at);
            int type = int32(png, at + 4);
            if (type == IDAT || length < 0 || at + 12L + length > png.length) {
                break;
            }
            if (type == TRNS) {
                key = transparentKey(colourType, png, at + 8, length);
            }
            at += 12 + length;
        }
        return new PngLayout(colourType, bitDepth, key);
    }

    /**
     * The key of a grey (2 bytes) or RGB (6 bytes) tRNS chunk; null for any other length or colour
     * type, which decoders ignore as libpng does.
     */
    private static int[] transparentKey(int colourType, byte[] png, int from, int length) {
        int values = colourType == GREY ? 1 : colourType == RGB ? 3 : 0;
        if (values == 0 || length != 2 * values) {
            return null;
        }
        int[] key = new int[values];
        for (int i = 0; i < values; i++) {
            key[i] = ((png[from + 2 * i] & 0xFF) << 8) | (png[from + 2 * i + 1] & 0xFF);
        }
        return key;
    }

    private static int int32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static int chunkType(String name) {
        return (name.charAt(0) << 24) | (name.charAt(1) << 16) | (name.charAt(2) << 8) | name.charAt(3);
    }
}
