package dev.photoqueue.worker.image;

/**
 * Whether a JPEG embeds an ICC colour profile (an APP2 segment starting {@code ICC_PROFILE\0}).
 * ImageIO's TwelveMonkeys reader converts such a photo's colours from its profile to sRGB;
 * TurboJPEG knows nothing of profiles, so these photos keep the ImageIO decoder. Stateless.
 */
final class IccProfileSegment {

    private static final byte[] SIGNATURE = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};

    private IccProfileSegment() {
    }

    /** True when an ICC profile segment comes before the first scan of {@code jpeg}. */
    static boolean present(byte[] jpeg) {
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
            if (marker == 0xE2 && startsWithSignature(jpeg, i + 4, length - 2)) {
                return true;
            }
            i += 2 + length;
        }
        return false;
    }

    private static boolean startsWithSignature(byte[] jpeg, int at, int length) {
        if (length < SIGNATURE.length || at + SIGNATURE.length > jpeg.length) {
            return false;
        }
        for (int k = 0; k < SIGNATURE.length; k++) {
            if (jpeg[at + k] != SIGNATURE[k]) {
                return false;
            }
        }
        return true;
    }
}
