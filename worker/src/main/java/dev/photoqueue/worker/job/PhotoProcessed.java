package dev.photoqueue.worker.job;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param userId        who uploaded the photo (may be null), for per-user views of the events
 */
public record PhotoProcessed(String photoId, List<ProcessedVariant> variants, Timings timings, String workerId,
                             int deliveryCount, boolean duplicate, String userId) implements PhotoEvent {

    public PhotoProcessed {
        Objects.requireNonNull(photoId, "photoId");
        variants = List.copyOf(variants);
        Objects.requireNonNull(timings, "timings");
    }

    /** An event without the uploader. */
    public PhotoProcessed(String photoId, List<ProcessedVariant> variants, Timings timings, String workerId,
                          int deliveryCount, boolean duplicate) {
        this(photoId, variants, timings, workerId, deliveryCount, duplicate, null);
    }

    /** One variant file. {@code path} is relative to the blob store's root; {@code bytes} is its size. */
    public record ProcessedVariant(String name, String path, int width, int height, long bytes) {
    }

    /**
     * Microseconds spent reading the original, decoding it, rendering and writing the variants, and
     * in all; and per variant name, the microseconds spent scaling, encoding and writing that
     * variant (the decoding they share not counted). {@code variantMicros} is empty for a
     * duplicate, which rendered nothing, and in the events of workers that did not time variants.
     */
    public record Timings(long readMicros, long decodeMicros, long renderMicros, long writeMicros, long totalMicros,
                          Map<String, Long> variantMicros) {

        public Timings {
            variantMicros = variantMicros == null ? Map.of()
                    : Collections.unmodifiableMap(new LinkedHashMap<>(variantMicros));
        }

        /** Timings without per-variant times. */
        public Timings(long readMicros, long decodeMicros, long renderMicros, long writeMicros, long totalMicros) {
            this(readMicros, decodeMicros, renderMicros, writeMicros, totalMicros, Map.of());
        }
    }
}
