package dev.photoqueue.worker.image;

/**
 * Reads the EXIF orientation tag (0x0112) of a JPEG from its APP1 segment. A missing, malformed
 * or out-of-range tag reads as 1 (upright): bad metadata must not cost a photo its thumbnails.
 * Stateless.
 */
final class ExifOrientation {

    static final int UPRIGHT = 1;
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation, 1 to 8, of the JPEG in {@code jpeg}. */
    static int of(byte[] jpeg) {
        int[] orientation = {UPRIGHT}; // no EXIF segment before the pixels: upright
        JpegSegments.walk(jpeg, (marker, at, length) -> {
            if (marker == 0xE1 && isExif(jpeg, at, length)) {
                orientation[0] = fromTiff(jpeg, at + 6, at + length);
                return true;
            }
            return false;
        });
        return orientation[0];
    }

    private static boolean isExif(byte[] b, int at, int length) {
        return length >= 14 && at + 6 <= b.length && b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i'
                && b[at + 3] == 'f' && b[at + 4] == 0 && b[at + 5] == 0;
    }

    /** Orientation from the TIFF structure at {@code tiff}, which ends at {@code end}. */
    private static int fromTiff(byte[] b, int tiff, int end) {
        end = Math.min(end, b.length);
        if (tiff + 8 > end) {
            return UPRIGHT;
        }
        boolean bigEndian;
        if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            bigEndian = true;
        } else if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            bigEndian = false;
        } else {
            return UPRIGHT;
        }
        if (u16(b, tiff + 2, bigEndian) != 42) {
            return UPRIGHT;
        }
        long ifd = tiff + u32(b, tiff + 4, bigEndian);
        if (ifd + 2 > end) {
            return UPRIGHT;
        }
        int entries = u16(b, (int) ifd, bigEndian);
        for (int e = 0; e < entries; e++) {
            int entry = (int) ifd + 2 + 12 * e;
            if (entry + 12 > end) {
                return UPRIGHT;
            }
            if (u16(b, entry, bigEndian) == ORIENTATION_TAG) {
                int value = u16(b, entry + 8, bigEndian);
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    private static int u16(byte[] b, int at, boolean bigEndian) {
        return bigEndian ? (u8(b, at) << 8) | u8(b, at + 1) : (u8(b, at + 1) << 8) | u8(b, at);
    }

    private static long u32(byte[] b, int at, boolean bigEndian) {
        return bigEndian
                ? ((long) u16(b, at, true) << 16) | u16(b, at + 2, true)
                : ((long) u16(b, at + 2, false) << 16) | u16(b, at, false);
    }
}
