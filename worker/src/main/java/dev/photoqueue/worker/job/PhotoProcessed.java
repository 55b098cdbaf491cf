package dev.photoqueue.worker.job;

import java.util.List;
import java.util.Objects;

/**
 * The photo's variants are in the blob store.
 *
 * @param variants      the variants written (or found already written), in configuration order
 * @param timings       where the time went
 * @param workerId      the worker that did it
 * @param deliveryCount which delivery of the job this was (1 the first time)
 * @param duplicate     true when every variant was already there for this source and spec, so
 *                      nothing was written: the job had been processed before
 */
public record PhotoProcessed(String photoId, List<ProcessedVariant> variants, Timings timings, String workerId,
                             int deliveryCount, boolean duplicate) implements PhotoEvent {

    public PhotoProcessed {
        Objects.requireNonNull(photoId, "photoId");
        variants = List.copyOf(variants);
        Objects.requireNonNull(timings, "timings");
    }

    /** One variant file. {@code path} is relative to the blob store's root; {@code bytes} is its size. */
    public record ProcessedVariant(String name, String path, int width, int height, long bytes) {
    }

    /** Microseconds spent reading the original, decoding it, rendering and writing the variants, and in all. */
    public record Timings(long readMicros, long decodeMicros, long renderMicros, long writeMicros, long totalMicros) {
    }
}
