package dev.photoqueue.worker.blob;

import java.util.List;
import java.util.Objects;

/**
 * The record of a photo's finished variants of one worker version, written last (atomically) to
 * {@code photos/<id>/manifest.json} ({@link BlobStore#ORIGINAL_VERSION}) or
 * {@code photos/<id>/<version>/manifest.json}: which version, source digest and variant specs made
 * which files. When it matches a job, that version did the job before.
 *
 * @param version      the worker version that made the files; null in manifests written before
 *                     versions existed, which were all made by {@link BlobStore#ORIGINAL_VERSION}
 * @param sourceSha256 the SHA-256 of the original the variants were made from
 * @param variants     one entry per variant file, in configuration order
 */
public record VariantManifest(String photoId, String version, String sourceSha256, List<Entry> variants) {

    public VariantManifest {
        Objects.requireNonNull(photoId, "photoId");
        Objects.requireNonNull(sourceSha256, "sourceSha256");
        variants = List.copyOf(variants);
    }

    /** A manifest of {@link BlobStore#ORIGINAL_VERSION}. */
    public VariantManifest(String photoId, String sourceSha256, List<Entry> variants) {
        this(photoId, BlobStore.ORIGINAL_VERSION, sourceSha256, variants);
    }

    /** The version that made the files, {@link BlobStore#ORIGINAL_VERSION} for a manifest that names none. */
    public String madeBy() {
        return version == null ? BlobStore.ORIGINAL_VERSION : version;
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
