package dev.photoqueue.worker.image;

import java.util.Locale;

/**
 * Image formats as told by their first bytes (magic numbers), never by a file name. Only the
 * supported ones are decoded; the others are recognised so that the rejection can name them.
 */
public enum ImageFormat {
    JPEG(true),
    PNG(true),
    GIF(true),
    BMP(true),
    TIFF(false),
    WEBP(false),
    HEIF(false),
    AVIF(false);

    private final boolean supported;

    ImageFormat(boolean supported) {
        this.supported = supported;
    }

    /** The ImageIO format name of its readers: the constant's name in lower case. */
    String readerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean supported() {
        return supported;
    }

    /** The format {@code bytes} start with, or null when they start like no image format known here. */
    static ImageFormat sniff(byte[] bytes) {
        if (startsWith(bytes, 0, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(bytes, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(bytes, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(bytes, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return GIF;
        }
        if (startsWith(bytes, 0, 'B', 'M') && bytes.length >= 26) {
            return BMP;
        }
        if (startsWith(bytes, 0, 'I', 'I', 42, 0) || startsWith(bytes, 0, 'M', 'M', 0, 42)) {
            return TIFF;
        }
        if (startsWith(bytes, 0, 'R', 'I', 'F', 'F') && startsWith(bytes, 8, 'W', 'E', 'B', 'P')) {
            return WEBP;
        }
        if (startsWith(bytes, 4, 'f', 't', 'y', 'p')) {
            if (startsWith(bytes, 8, 'a', 'v', 'i', 'f') || startsWith(bytes, 8, 'a', 'v', 'i', 's')) {
                return AVIF;
            }
            if (startsWith(bytes, 8, 'h', 'e', 'i') || startsWith(bytes, 8, 'h', 'e', 'v')
                    || startsWith(bytes, 8, 'm', 'i', 'f', '1') || startsWith(bytes, 8, 'm', 's', 'f', '1')) {
                return HEIF;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int offset, int... magic) {
        if (bytes.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
