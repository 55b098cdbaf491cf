package dev.photoqueue.worker.image;

/** What an image's header says, read without decoding its pixels. */
public record ImageHeader(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }
}
