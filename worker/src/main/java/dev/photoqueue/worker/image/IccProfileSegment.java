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
        return JpegSegments.walk(jpeg, (marker, at, length) -> marker == 0xE2 && startsWithSignature(jpeg, at, length));
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
