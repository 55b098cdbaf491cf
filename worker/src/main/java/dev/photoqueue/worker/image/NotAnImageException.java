package dev.photoqueue.worker.image;

import dev.photoqueue.worker.job.PermanentJobException;

/** The bytes start like no image format: a text file, an archive, an empty file. */
public final class NotAnImageException extends PermanentJobException {

    private final String leadingBytes;

    public NotAnImageException(String photoId, byte[] bytes) {
        this(photoId, hex(bytes, 8), bytes.length);
    }

    /** For a file of {@code size} bytes whose first bytes are {@code leading}. */
    public NotAnImageException(String photoId, byte[] leading, long size) {
        this(photoId, hex(leading, 8), size);
    }

    private NotAnImageException(String photoId, String leadingBytes, long size) {
        super(photoId, "photo " + photoId + " is not an image: " + size + " bytes starting with ["
                + leadingBytes + "] match no image format", null);
        this.leadingBytes = leadingBytes;
    }

    /** The first bytes, in hex, as the format check saw them. */
    public String leadingBytes() {
        return leadingBytes;
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(max, bytes.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        return sb.toString();
    }
}
