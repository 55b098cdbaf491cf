package dev.photoqueue.worker.image;

/**
 * Walks the marker segments of a JPEG that come before its pixels, for the readers of its
 * metadata (EXIF orientation, ICC profile, frame type). The walk starts after the start-of-image
 * marker, skips fill bytes, and ends at the first scan or the end of the image, at bytes that are
 * no marker, or at a segment length under 2 (a damaged file): damaged metadata reads as absent.
 * Stateless.
 */
final class JpegSegments {

    /** Is told of one segment; returns true to end the walk there. */
    @FunctionalInterface
    interface Visitor {
        /** Segment {@code marker} (0xC0 to 0xFE); its payload: {@code length} bytes at {@code at}. */
        boolean visit(int marker, int at, int length);
    }

    private JpegSegments() {
    }

    /** Tells {@code visitor} of each segment before the first scan of {@code jpeg}; true when it ended the walk. */
    static boolean walk(byte[] jpeg, Visitor visitor) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return false; // start of scan or end of image
            }
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (length < 2) {
                return false;
            }
            if (visitor.visit(marker, i + 4, length - 2)) {
                return true;
            }
            i += 2 + length;
        }
        return false;
    }
}
