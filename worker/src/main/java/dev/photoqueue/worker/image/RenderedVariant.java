package dev.photoqueue.worker.image;

/**
 * One variant as JPEG bytes, and the time it took to scale and encode it. The array is not
 * copied: callers must not change it.
 */
public record RenderedVariant(VariantSpec spec, int width, int height, byte[] jpeg, long renderNanos) {
}
