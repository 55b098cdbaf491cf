package dev.photoqueue.worker;

import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.blob.VariantManifest;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.RenderedPhoto;
import dev.photoqueue.worker.image.RenderedVariant;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.PhotoProcessed.ProcessedVariant;
import dev.photoqueue.worker.job.PhotoProcessed.Timings;
import dev.photoqueue.worker.job.PhotoUploaded;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Does one job: original in, variant files and their manifest out, as its {@link WorkerVersion}
 * renders them. Idempotent per version: a variant's path depends only on the photo id, the version
 * and the variant name, its bytes only on the source bytes, its spec and the version's rendering,
 * and the version's manifest (written last) records which source digest and specs made which
 * files. When that manifest matches the job and every file it lists is intact, nothing is read or
 * written and the result says {@code duplicate}. Another version's files are neither taken for
 * this version's nor touched, so a fixed version re-renders what a faulty one made. Thread-safe.
 *
 * <p>Failures are {@link dev.photoqueue.worker.job.PhotoJobException}s from the blob and image
 * layers; anything else is a bug and propagates as is.
 */
public final class PhotoProcessor {

    private final BlobStore blobs;
    private final ImagePipeline pipeline;
    private final List<VariantSpec> specs;
    private final List<String> specKeys;
    private final long maxSourceBytes;
    private final WorkerVersion version;

    PhotoProcessor(BlobStore blobs, ImagePipeline pipeline, List<VariantSpec> specs, long maxSourceBytes) {
        this(blobs, pipeline, specs, maxSourceBytes, WorkerVersion.DEFAULT);
    }

    PhotoProcessor(BlobStore blobs, ImagePipeline pipeline, List<VariantSpec> specs, long maxSourceBytes,
                   WorkerVersion version) {
        VariantSpec.requireDistinctNames(specs);
        this.blobs = blobs;
        this.pipeline = pipeline;
        this.specs = List.copyOf(specs);
        this.specKeys = this.specs.stream().map(VariantSpec::key).toList();
        this.maxSourceBytes = maxSourceBytes;
        this.version = Objects.requireNonNull(version, "version");
    }

    /**
     * The processor the workers of {@code config} use: its blob store, pixel limit, variants, source
     * limit and worker version.
     */
    public static PhotoProcessor from(WorkerConfig config) {
        return of(BlobStore.onFileSystem(config.blobDir(), config.fsync()), config.maxPixels(), config.variants(),
                config.maxSourceBytes()).withVersion(config.version());
    }

    /** A processor of {@link WorkerVersion#DEFAULT} on {@code blobs} (the upload API's synchronous mode shares its store). */
    public static PhotoProcessor of(BlobStore blobs, long maxPixels, List<VariantSpec> specs, long maxSourceBytes) {
        return new PhotoProcessor(blobs, new ImagePipeline(maxPixels), specs, maxSourceBytes);
    }

    /** This processor as worker {@code newVersion} runs it: the same store, pipeline and variants. */
    public PhotoProcessor withVersion(WorkerVersion newVersion) {
        return newVersion == version ? this : new PhotoProcessor(blobs, pipeline, specs, maxSourceBytes, newVersion);
    }

    /**
     * This processor for a caller that must not wait for heap (a request thread): a photo that does
     * not fit what is free of the process's decode budget now is refused with
     * {@link dev.photoqueue.worker.image.HeapBudgetBusyException} before it is decoded, instead of
     * waiting for other decodes to end as a worker does.
     */
    public PhotoProcessor refusingToWaitForHeap() {
        return new PhotoProcessor(blobs, pipeline.refusingToWait(), specs, maxSourceBytes, version);
    }

    public WorkerVersion version() {
        return version;
    }

    /** What one job produced. */
    public record Result(List<ProcessedVariant> variants, Timings timings, boolean duplicate) {
    }

    /**
     * The free space under which a worker takes no job: one taken then could only fail on a full
     * disk and spend one of its deliveries, and enough such failures dead-letter a good photo. The
     * same reserve as the in-house log's ({@code InhouseBackend}'s health).
     */
    public static final long MIN_FREE_BYTES = 16L << 20;

    /** Bytes free for the blob store's files ({@link Long#MAX_VALUE} when the file system cannot tell). */
    long freeBytes() {
        return blobs.usableSpace();
    }

    /**
     * Writes the job's variants (or finds them written); {@link dev.photoqueue.worker.job.PhotoJobException}
     * when the photo cannot be processed, now (transient) or ever (permanent).
     */
    public Result process(PhotoUploaded job) {
        long start = System.nanoTime();
        String photoId = BlobStore.requireValidPhotoId(job.photoId());
        Optional<VariantManifest> done = blobs.readManifest(photoId, version.wireName()).filter(m -> matches(m, job));
        if (done.isPresent()) {
            long checked = System.nanoTime() - start;
            return new Result(variantsOf(done.get()), new Timings(micros(checked), 0, 0, 0, micros(checked)), true);
        }
        byte[] source = blobs.readOriginal(photoId, job.blob(), job.sha256(), maxSourceBytes);
        long read = System.nanoTime();
        RenderedPhoto photo = pipeline.render(photoId, source, specs, version.rendering());
        long rendered = System.nanoTime();
        List<VariantManifest.Entry> entries = new ArrayList<>(specs.size());
        Map<String, Long> variantMicros = new LinkedHashMap<>();
        for (RenderedVariant v : photo.variants()) {
            long writeStart = System.nanoTime();
            String path = blobs.writeVariant(photoId, version.wireName(), v.spec().name(), v.jpeg());
            entries.add(new VariantManifest.Entry(v.spec().name(), v.spec().key(), path, v.width(), v.height(),
                    v.jpeg().length, BlobStore.sha256(v.jpeg())));
            variantMicros.put(v.spec().name(), micros(v.renderNanos() + System.nanoTime() - writeStart));
        }
        VariantManifest manifest = new VariantManifest(photoId, version.wireName(), job.sha256(), entries);
        blobs.writeManifest(manifest);
        long end = System.nanoTime();
        Timings timings = new Timings(micros(read - start), micros(photo.decodeNanos()), micros(photo.renderNanos()),
                micros(end - rendered), micros(end - start), variantMicros);
        return new Result(variantsOf(manifest), timings, false);
    }

    private boolean matches(VariantManifest manifest, PhotoUploaded job) {
        return manifest.madeBy().equals(version.wireName()) && manifest.sourceSha256().equals(job.sha256())
                && manifest.variants().stream().map(VariantManifest.Entry::spec).toList().equals(specKeys)
                && blobs.filesMatch(manifest);
    }

    private static List<ProcessedVariant> variantsOf(VariantManifest manifest) {
        return manifest.variants().stream()
                .map(e -> new ProcessedVariant(e.name(), e.path(), e.width(), e.height(), e.bytes()))
                .toList();
    }

    private static long micros(long nanos) {
        return nanos / 1_000;
    }
}
