package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.worker.PhotoProcessor;
import dev.photoqueue.worker.WorkerVersion;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code mode=sync}: makes a photo's variants on the request thread, the way an upload API without
 * a queue would, so the dashboard can compare. It runs the workers' own {@link PhotoProcessor}
 * (same files, same layout, same duplicate check, the version the workers are set to) and publishes the same {@link PhotoProcessed}
 * event (worker id {@value #WORKER_ID}), so the status view and the gallery treat both alike.
 * Thread-safe.
 */
final class SyncProcessor {

    static final String WORKER_ID = "sync";
    private static final long EVENT_TIMEOUT_SECONDS = 30;

    private final PhotoProcessor processor;
    private final Producer producer;
    private final MessageCodec codec = new MessageCodec();

    SyncProcessor(PhotoProcessor processor, Producer producer) {
        this.processor = processor;
        this.producer = producer;
    }

    /**
     * Renders and stores every variant of the stored original of {@code job} as worker
     * {@code version} does; returns the event it published.
     */
    PhotoProcessed process(PhotoUploaded job, WorkerVersion version) {
        String photoId = job.photoId();
        PhotoProcessor.Result result = processor.withVersion(version).process(job);
        PhotoProcessed event = new PhotoProcessed(photoId, result.variants(), result.timings(), WORKER_ID, 1,
                result.duplicate(), job.userId());
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
