package dev.photoqueue.worker.image;

import dev.photoqueue.worker.job.PermanentJobException;

/** An image in a format this worker does not decode (TIFF, WebP, HEIF, AVIF). */
public final class UnsupportedImageFormatException extends PermanentJobException {

    private final ImageFormat format;

    public UnsupportedImageFormatException(String photoId, ImageFormat format) {
        super(photoId, "photo " + photoId + " is in " + format
                + " format; supported formats are JPEG, PNG, GIF and BMP",
                null);
        this.format = format;
    }

    public ImageFormat format() {
        return format;
    }
}
