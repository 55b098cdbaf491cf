package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.worker.PhotoProcessor;
import dev.photoqueue.worker.WorkerVersion;
import dev.photoqueue.worker.image.HeapBudgetBusyException;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code mode=sync}: makes a photo's variants on the request thread, the way an upload API without
 * a queue would, so the dashboard can compare. It runs the workers' own {@link PhotoProcessor}
 * (same files, same layout, same duplicate check, the version the workers are set to) and publishes the same {@link PhotoProcessed}
 * event (worker id {@value #WORKER_ID}), so the status view and the gallery treat both alike.
 *
 * <p>At most {@link #slots} sync uploads render at once, one a core: a render is CPU-bound, so more
 * would add no speed, only heap (a 49-megapixel photo takes hundreds of MB while it is scaled),
 * and a burst of them ran the server out of memory. One more is refused at once with 503
 * {@code sync_busy}, before anything is stored: the burst an upload API without a queue cannot
 * absorb, where an async upload would simply wait in the queue. Thread-safe.
 *
 * <p>The renders also share the process's decode budget with the workers in this JVM
 * ({@link dev.photoqueue.worker.image.DecodeBudget}): a render whose estimated heap does not fit
 * what is free of it now does not wait for the workers' decodes, as a worker would, but is refused
 * the same way, 503 {@code sync_busy}, before its photo is decoded ({@link #heapBusy}).
 */
final class SyncProcessor {

    static final String WORKER_ID = "sync";
    private static final long EVENT_TIMEOUT_SECONDS = 30;
    /** The Retry-After of a refusal for want of a slot: about a render's time. */
    private static final int BUSY_RETRY_SECONDS = 1;

    private final PhotoProcessor processor;
    private final Producer producer;
    private final MessageCodec codec = new MessageCodec();
    private final int slots = Runtime.getRuntime().availableProcessors();
    private final Semaphore free = new Semaphore(slots);

    SyncProcessor(PhotoProcessor processor, Producer producer) {
        this.processor = processor.refusingToWaitForHeap();
        this.producer = producer;
    }

    /** A render slot, held until closed. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a render slot, or refuses the upload at once (503 {@code sync_busy}) when all are taken. */
    Slot slot() {
        if (!free.tryAcquire()) {
            throw new UploadRejectedException(UploadRejectedException.Reason.SYNC_BUSY, "all " + slots
                    + " sync render slots (one a core) are in use: try again, or upload without mode=sync, whose "
                    + "job waits in the queue instead", BUSY_RETRY_SECONDS, null);
        }
        return free::release;
    }

    /** The refusal of a render that found too little of the decode budget free: 503 {@code sync_busy}. */
    static UploadRejectedException heapBusy(HeapBudgetBusyException e) {
        return new UploadRejectedException(UploadRejectedException.Reason.SYNC_BUSY, e.getMessage()
                + ": try again, or upload without mode=sync, whose job waits for the heap in the queue instead",
                BUSY_RETRY_SECONDS, e);
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
        } catch (ExecutionException e) {
            throw notWritten(photoId, StorageException.reason(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw notWritten(photoId, "no acknowledgement within " + EVENT_TIMEOUT_SECONDS + " s", e);
        }
        return event;
    }

    private static UploadRejectedException notWritten(String photoId, String why, Throwable cause) {
        return new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE,
                "the outcome of photo " + photoId + " was not written to " + Topics.PHOTO_EVENTS + ": " + why, 1,
                cause);
    }
}
