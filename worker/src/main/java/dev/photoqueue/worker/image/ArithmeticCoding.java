package dev.photoqueue.worker.image;

/**
 * Whether a JPEG's frame is arithmetic-coded (start-of-frame markers SOF9 to SOF11 and SOF13 to
 * SOF15). libjpeg's arithmetic decoder reads the bytes past the end of a cut-off file as zeros
 * without a word of its own: the only sign that such a file ends early is that its end marker is
 * missing, where a Huffman-coded one also says "premature end of data segment". Stateless.
 */
final class ArithmeticCoding {

    private ArithmeticCoding() {
    }

    /** True when the first frame header before the first scan of {@code jpeg} is arithmetic-coded. */
    static boolean used(byte[] jpeg) {
        boolean[] arithmetic = {false};
        JpegSegments.walk(jpeg, (marker, at, length) -> {
            if (isFrame(marker)) {
                arithmetic[0] = marker >= 0xC9;
                return true;
            }
            return false;
        });
        return arithmetic[0];
    }

    /** SOF0 to SOF15, less DHT (0xC4), JPG (0xC8) and DAC (0xCC), which share the range. */
    private static boolean isFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }
}
