package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.blob.VariantManifest;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.RenderedPhoto;
import dev.photoqueue.worker.image.RenderedVariant;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.Topics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code mode=sync}: makes a photo's variants on the request thread, the way an upload API without
 * a queue would, so the dashboard can compare. Writes the same files in the same layout as the
 * workers (variants, then the manifest, each atomically) and publishes the same
 * {@link PhotoProcessed} event (worker id {@value #WORKER_ID}), so the status view and the gallery
 * treat both alike. Thread-safe.
 */
final class SyncProcessor {

    static final String WORKER_ID = "sync";
    private static final long EVENT_TIMEOUT_SECONDS = 30;

    private final BlobStore blobs;
    private final ImagePipeline pipeline;
    private final List<VariantSpec> specs;
    private final Producer producer;
    private final MessageCodec codec = new MessageCodec();

    SyncProcessor(BlobStore blobs, ImagePipeline pipeline, List<VariantSpec> specs, Producer producer) {
        this.blobs = blobs;
        this.pipeline = pipeline;
        this.specs = List.copyOf(specs);
        this.producer = producer;
    }

    /** Renders and stores every variant of the stored original {@code bytes}; returns the event it published. */
    PhotoProcessed process(String photoId, byte[] bytes, String sha256) {
        long start = System.nanoTime();
        RenderedPhoto photo = pipeline.render(photoId, bytes, specs);
        long rendered = System.nanoTime();
        List<VariantManifest.Entry> entries = new ArrayList<>();
        List<PhotoProcessed.ProcessedVariant> variants = new ArrayList<>();
        for (RenderedVariant v : photo.variants()) {
            String path = blobs.writeVariant(photoId, v.spec().name(), v.jpeg());
            entries.add(new VariantManifest.Entry(v.spec().name(), v.spec().key(), path, v.width(), v.height(),
                    v.jpeg().length, BlobStore.sha256(v.jpeg())));
            variants.add(new PhotoProcessed.ProcessedVariant(v.spec().name(), path, v.width(), v.height(),
                    v.jpeg().length));
        }
        blobs.writeManifest(new VariantManifest(photoId, sha256, entries));
        long end = System.nanoTime();
        PhotoProcessed event = new PhotoProcessed(photoId, variants, new PhotoProcessed.Timings(0,
                photo.decodeNanos() / 1_000, photo.renderNanos() / 1_000, (end - rendered) / 1_000,
                (end - start) / 1_000), WORKER_ID, 1, false);
        try {
            producer.send(ProducerRecord.of(Topics.PHOTO_EVENTS, photoId.getBytes(StandardCharsets.UTF_8),
                    codec.encode(event))).get(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE,
                    "interrupted while publishing the outcome of photo " + photoId, 1, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE,
                    "the outcome of photo " + photoId + " was not written to " + Topics.PHOTO_EVENTS + ": " + e, 1, e);
        }
        return event;
    }
}
