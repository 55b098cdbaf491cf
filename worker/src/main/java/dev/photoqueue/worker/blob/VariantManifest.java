package dev.photoqueue.worker.blob;

import java.util.List;
import java.util.Objects;

/**
 * The record of a photo's finished variants, written last (atomically) to
 * {@code photos/<id>/manifest.json}: which source digest and which variant specs made which files.
 * When it matches a job, the job was done before.
 *
 * @param sourceSha256 the SHA-256 of the original the variants were made from
 * @param variants     one entry per variant file, in configuration order
 */
public record VariantManifest(String photoId, String sourceSha256, List<Entry> variants) {

    public VariantManifest {
        Objects.requireNonNull(photoId, "photoId");
        Objects.requireNonNull(sourceSha256, "sourceSha256");
        variants = List.copyOf(variants);
    }

    /**
     * One variant file.
     *
     * @param spec   the variant spec's key, e.g. {@code thumb:crop:150x150:0.85}
     * @param path   the file, relative to the blob store's root
     * @param sha256 the SHA-256 of the file's bytes
     */
    public record Entry(String name, String spec, String path, int width, int height, long bytes, String sha256) {
    }
}
