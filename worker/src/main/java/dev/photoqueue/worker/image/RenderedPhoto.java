package dev.photoqueue.worker.image;

import java.util.List;

/**
 * The variants of one photo, in the order of the specs asked for.
 *
 * @param header       the source's header as read before decoding (dimensions before EXIF orientation)
 * @param orientation  the EXIF orientation applied, 1 (upright) to 8
 * @param decodeNanos  time spent reading the header and decoding the pixels
 * @param renderNanos  time spent scaling and encoding the variants
 * @param heapBytes    the heap reserved from the {@link DecodeBudget} for the decode and render
 */
public record RenderedPhoto(ImageHeader header, int orientation, List<RenderedVariant> variants, long decodeNanos,
                            long renderNanos, long heapBytes) {

    public RenderedPhoto {
        variants = List.copyOf(variants);
    }
}
