package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.worker.blob.BlobIOException;
import dev.photoqueue.worker.blob.BlobNotFoundException;
import dev.photoqueue.worker.ForegroundActivity;
import dev.photoqueue.worker.PhotoProcessor;
import dev.photoqueue.worker.WorkerVersion;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.blob.SourceTooLargeException;
import dev.photoqueue.worker.blob.StagedOriginal;
import dev.photoqueue.worker.image.CorruptImageException;
import dev.photoqueue.worker.image.HeapBudgetBusyException;
import dev.photoqueue.worker.image.ImageHeader;
import dev.photoqueue.worker.image.ImagePipeline;
import dev.photoqueue.worker.image.NotAnImageException;
import dev.photoqueue.worker.image.TooManyPixelsException;
import dev.photoqueue.worker.image.TooLargeForHeapException;
import dev.photoqueue.worker.image.UnsupportedImageFormatException;
import dev.photoqueue.worker.image.VariantSpec;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Accepts photos. An async upload is checked (size, type from the bytes, pixels from the header),
 * admitted against {@code maxBacklog} ({@link BacklogAdmission}: exact however many uploads arrive
 * at once, and only that decision is serialised), stored in the blob store, and only then produced
 * as a job; the receipt is returned once the queue has acknowledged the job, so an accepted upload
 * is durable, and once the status view shows the photo, so its {@code Location} can be followed at
 * once. When the job cannot be produced the stored original is deleted again: a refused upload
 * leaves nothing behind.
 *
 * <p>Time: an async upload's job is queued within {@code sendTimeout} or refused with 503. A fifth
 * of it is for the admission's look at the backlog, the rest for the send: the app gives the Kafka
 * producer that as {@code kafka.send.timeout.ms}, so Kafka has decided (acknowledged, failed, or
 * given up retrying) before this service stops waiting, which waits a second more. A send Kafka
 * gave up retrying may still be written (a leader that took it and could not yet replicate it):
 * such an upload is answered 503 {@code outcome_unknown}, its original is kept (a job that does
 * arrive finds it) and the answer names the photo. Before anything is stored, an upload whose job
 * would go to a partition the {@link ClusterMonitor} knows cannot take writes (no leader, too few
 * in-sync replicas, no controller quorum) is refused at once, saying which.
 *
 * <p>Idempotency ({@link IdempotencyKeys}): with a key, the photo id is derived from the key. An
 * upload holds its key ({@link #claim}) from before its body is read until it is answered, and
 * another upload with the key meanwhile is refused. A repeat with the same bytes returns the first
 * upload's photo (found in memory, or in the status view after a restart) and produces nothing;
 * with other bytes it is refused. A retry after {@code outcome_unknown} whose first job Kafka wrote
 * after all produces a second job of the same photo and bytes, which the workers' idempotence
 * makes a recorded duplicate.
 *
 * <p>Thread-safe.
 */
public final class PhotoService {

    private static final Logger LOG = LoggerFactory.getLogger(PhotoService.class);
    static final int RETRY_AFTER_SECONDS = 5;

    /** Free space an upload must leave on the blob store's disk: twice the workers' reserve (see below). */
    static final long UPLOAD_MIN_FREE_BYTES = 2 * PhotoProcessor.MIN_FREE_BYTES;
    /**
     * The worker version whose variants the unversioned URL {@code /api/photos/{id}/{file}} serves:
     * the first, whose files keep the layout from before versions.
     */
    public static final String UNVERSIONED = BlobStore.ORIGINAL_VERSION;
    /** Waited beyond the producer's own bound, for its callback to arrive. */
    static final Duration CALLBACK_MARGIN = Duration.ofSeconds(1);

    private final BlobStore blobs;
    private final ImagePipeline pipeline;
    private final StatusView view;
    private final SettingsService settings;
    private final SyncProcessor sync;
    private final List<String> variantNames;
    private final long maxUploadBytes;
    private final UploadMeters meters;
    private final BacklogAdmission admission;
    private final JobSender sender;
    private final IdempotencyKeys keys;
    /** Told of every upload as it starts, so that embedded workers yield the cores to it. */
    private final ForegroundActivity uploads;

    /**
     * @param sendTimeout         how long an async upload may take to queue its job
     * @param producerSendTimeout the share of it within which the producer completes a send, either
     *                            way; the admission's look at the backlog has the rest
     * @param uploads     marked as each upload starts, before its body is read
     */
    public PhotoService(BlobStore blobs, long maxPixels, List<VariantSpec> variants, Producer producer,
                        StatusView view, QueueService queue, SettingsService settings, long maxUploadBytes,
                        MeterRegistry metrics, ClusterMonitor cluster, Duration sendTimeout,
                        Duration producerSendTimeout, ForegroundActivity uploads) {
        this.uploads = uploads;
        this.blobs = blobs;
        this.pipeline = new ImagePipeline(maxPixels);
        this.view = view;
        this.settings = settings;
        this.sync = new SyncProcessor(PhotoProcessor.of(blobs, maxPixels, variants, maxUploadBytes), producer);
        this.variantNames = variants.stream().map(VariantSpec::name).toList();
        this.maxUploadBytes = maxUploadBytes;
        this.meters = new UploadMeters(metrics);
        this.keys = new IdempotencyKeys(view, blobs, maxUploadBytes);
        if (producerSendTimeout.compareTo(sendTimeout) >= 0) {
            throw new IllegalArgumentException("the producer's send timeout " + producerSendTimeout
                    + " leaves nothing of the upload's " + sendTimeout + " for the admission");
        }
        Duration admissionWait = sendTimeout.minus(producerSendTimeout);
        this.sender = new JobSender(producer, queue, settings, cluster, producerSendTimeout.plus(CALLBACK_MARGIN));
        this.admission = new BacklogAdmission(() -> queue.backlogWithin(admissionWait, cluster.problemsSummary()),
                () -> settings.current().maxBacklog(), admissionWait, RETRY_AFTER_SECONDS);
    }

    /**
     * Holds {@code idempotencyKey} (trimmed; null or blank: none) for one upload until the claim is
     * closed; {@link UploadRejectedException} IDEMPOTENCY_KEY_IN_USE while another upload holds it.
     * Taken before the upload's body is read, so that a repeat arriving while the first's body still
     * streams in is refused too. {@code sync}: the upload's mode, for the count of refusals. Marks
     * the upload as started: embedded workers starting a job from now on yield the cores to it.
     */
    public IdempotencyClaim claim(String idempotencyKey, boolean sync) {
        uploads.started();
        try {
            return keys.claim(idempotencyKey);
        } catch (UploadRejectedException e) {
            meters.refused(sync, e.reason());
            throw e;
        }
    }

    /**
     * Accepts one upload whose key (if any) {@code claim} holds; {@link UploadRejectedException} says
     * why not. The caller closes the claim after the answer, whatever it was.
     */
    public UploadReceipt upload(UploadRequest request, IdempotencyClaim claim) {
        claim.requireHolds(request.idempotencyKey());
        long started = System.nanoTime();
        try {
            UploadReceipt receipt = request.sync() ? uploadSync(request) : uploadAsync(request);
            meters.accepted(request.sync(), System.nanoTime() - started);
            return receipt;
        } catch (UploadRejectedException e) {
            meters.refused(request.sync(), e.reason());
            throw e;
        }
    }

    /** The photo with this id, as the status view has it. */
    public Optional<PhotoView> photo(String id) {
        return view.get(id);
    }

    /**
     * The photo's journey, oldest step first: empty when no photo has this id, no steps while its
     * first record is not read yet.
     */
    public Optional<List<JourneyStep>> journey(String id) {
        return view.journey(id).or(() -> view.get(id).map(photo -> List.of()));
    }

    /** The most recent photos, newest first. */
    public List<PhotoView> recent(int limit) {
        return view.recent(limit);
    }

    /**
     * A variant's JPEG bytes as worker {@code version} made them, or empty when the photo, the
     * version, the variant name or the file is unknown.
     */
    public Optional<byte[]> variant(String photoId, String version, String variantName) {
        if (!variantNames.contains(variantName) || !photoId.matches(BlobStore.PHOTO_ID_RULE)
                || Arrays.stream(WorkerVersion.values()).noneMatch(v -> v.wireName().equals(version))) {
            return Optional.empty();
        }
        try {
            return Optional.of(blobs.read(photoId, blobs.variantPath(photoId, version, variantName)));
        } catch (BlobNotFoundException e) {
            return Optional.empty();
        }
    }

    private UploadReceipt uploadAsync(UploadRequest request) {
        String id = photoId(request.idempotencyKey());
        Optional<UploadReceipt> repeat = repeat(id, request);
        if (repeat.isPresent()) {
            return repeat.get();
        }
        sender.requireQueueUp();
        sender.requireWritable(id, request.user(), request.city());
        try (StagedOriginal staged = stage(id, request)) {
            keys.requireNoOtherOriginal(request.idempotencyKey(), id, staged.sha256());
            check(id, staged);
            requireRoomForTheWorkers(id);
            BacklogAdmission.Place place = admission.admit(id);
            RecordMetadata at;
            try {
                String location = commit(id, staged);
                PhotoUploaded job = new PhotoUploaded(id, location, staged.sha256(), Instant.now(), request.user(),
                        request.city(), request.name(), request.receivedAt());
                try {
                    at = sender.send(job, place);
                } catch (UploadRejectedException e) {
                    if (e.reason() != UploadRejectedException.Reason.OUTCOME_UNKNOWN) {
                        deleteOriginal(id, location);
                    }
                    throw e;
                }
                view.recordAccepted(job, at);
            } finally {
                place.releaseUnlessSending();
            }
            UploadReceipt receipt = new UploadReceipt(id, PhotoStatus.QUEUED, at.partition(), at.offset(), Map.of(),
                    false);
            keys.remember(request.idempotencyKey(), receipt, staged.sha256());
            return receipt;
        }
    }

    private UploadReceipt uploadSync(UploadRequest request) {
        String id = photoId(request.idempotencyKey());
        Optional<UploadReceipt> repeat = repeat(id, request);
        if (repeat.isPresent()) {
            return repeat.get();
        }
        // its outcome goes to photo.events: with the queue down it could only be refused after the render
        sender.requireQueueUp();
        PhotoProcessed done;
        String sha256;
        try (SyncProcessor.Slot slot = sync.slot()) { // taken before anything is stored
            String location;
            try (StagedOriginal staged = stage(id, request)) {
                keys.requireNoOtherOriginal(request.idempotencyKey(), id, staged.sha256());
                check(id, staged);
                requireRoomForTheWorkers(id);
                location = commit(id, staged);
                sha256 = staged.sha256();
            }
            try {
                done = sync.process(new PhotoUploaded(id, location, sha256, Instant.now(), request.user(),
                        request.city(), request.name()), settings.current().workerVersion());
            } catch (CorruptImageException e) {
                deleteOriginal(id, location);
                throw new UploadRejectedException(UploadRejectedException.Reason.CORRUPT_IMAGE, e.getMessage());
            } catch (HeapBudgetBusyException e) {
                deleteOriginal(id, location); // refused before decoding: the upload leaves nothing behind
                throw SyncProcessor.heapBusy(e);
            } catch (TooLargeForHeapException e) {
                deleteOriginal(id, location);
                throw new UploadRejectedException(UploadRejectedException.Reason.TOO_MANY_PIXELS, e.getMessage());
            } catch (RuntimeException e) {
                deleteOriginal(id, location);
                throw e;
            }
        }
        Map<String, String> variants = new LinkedHashMap<>();
        done.variants().forEach(v -> variants.put(v.name(), StatusView.variantUrl(v)));
        UploadReceipt receipt = new UploadReceipt(id, PhotoStatus.DONE, -1, -1, variants, false);
        keys.remember(request.idempotencyKey(), receipt, sha256);
        return receipt;
    }

    /**
     * The upload streamed to a temporary file beside its place in the blob store, its digest taken
     * on the way: no upload is held whole in the heap, and a refused one leaves nothing behind.
     */
    private StagedOriginal stage(String id, UploadRequest request) {
        if (request.size() > maxUploadBytes) {
            throw tooLarge(request.size());
        }
        try {
            return blobs.stageOriginal(id, request.content(), maxUploadBytes);
        } catch (SourceTooLargeException e) {
            throw tooLarge(e.size());
        } catch (BlobIOException e) {
            throw refusedIfDiskFull(id, e);
        }
    }

    /**
     * STORAGE_FULL when the staged original leaves less than {@link #UPLOAD_MIN_FREE_BYTES} free on
     * the blob store's disk. Uploads stop there so that the workers, which go on down to their own
     * reserve ({@link PhotoProcessor#MIN_FREE_BYTES}, half of it), have room to finish the photos
     * accepted before: a disk filled by uploads leaves a backlog that drains, not one that waits for
     * someone to free space.
     */
    private void requireRoomForTheWorkers(String id) {
        long free = blobs.usableSpace();
        if (free < UPLOAD_MIN_FREE_BYTES) {
            throw new UploadRejectedException(UploadRejectedException.Reason.STORAGE_FULL, "no room to store photo "
                    + id + ": the disk of " + blobs.root() + " would have " + (free >> 20) + " MiB free with it, and "
                    + "uploads stop at " + (UPLOAD_MIN_FREE_BYTES >> 20) + " MiB so that the workers can finish the "
                    + "photos accepted before");
        }
    }

    /** The staged original made durable under its name; a full disk refuses the upload as staging does. */
    private static String commit(String id, StagedOriginal staged) {
        try {
            return staged.commit();
        } catch (BlobIOException e) {
            throw refusedIfDiskFull(id, e);
        }
    }

    /**
     * A full disk is no fault of the app: STORAGE_FULL (507, naming the file) rather than an internal
     * error. Any other I/O error stays what it is.
     */
    private static RuntimeException refusedIfDiskFull(String id, BlobIOException e) {
        if (!e.diskFull()) {
            return e;
        }
        // The operating system's words ("No space left on device"), not the I/O error's class name
        return new UploadRejectedException(UploadRejectedException.Reason.STORAGE_FULL, "no room to store photo "
                + id + ": writing " + e.path() + " failed: " + e.getCause().getMessage(), 0, e);
    }

    private UploadRejectedException tooLarge(long size) {
        return new UploadRejectedException(UploadRejectedException.Reason.TOO_LARGE, "the upload has "
                + size + " bytes, the limit is " + maxUploadBytes);
    }

    /** Type from the bytes, pixels from the header, of the staged file; nothing is stored before these pass. */
    private void check(String id, StagedOriginal staged) {
        ImageHeader header;
        try {
            header = pipeline.probe(id, staged.path());
        } catch (NotAnImageException | UnsupportedImageFormatException e) {
            throw new UploadRejectedException(UploadRejectedException.Reason.UNSUPPORTED_TYPE, e.getMessage());
        } catch (CorruptImageException e) {
            throw new UploadRejectedException(UploadRejectedException.Reason.CORRUPT_IMAGE, e.getMessage());
        }
        if (header.pixels() > pipeline.maxPixels()) {
            TooManyPixelsException e = new TooManyPixelsException(id, header.format(), header.width(),
                    header.height(), pipeline.maxPixels());
            throw new UploadRejectedException(UploadRejectedException.Reason.TOO_MANY_PIXELS, e.getMessage());
        }
    }

    private void deleteOriginal(String id, String location) {
        Path path = blobs.root().resolve(location).normalize();
        if (!path.startsWith(blobs.root())) {
            throw new IllegalStateException("blob location " + location + " of photo " + id + " leaves the store");
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("photo {}: the job was refused and its original {} could not be deleted: {}", id, path, e.toString());
        }
    }

    /** A random photo id, or with a key the one derived from it: every upload with a key names one photo. */
    static String photoId(String idempotencyKey) {
        if (idempotencyKey == null) {
            return UUID.randomUUID().toString().replace("-", "");
        }
        return "k" + BlobStore.sha256(idempotencyKey.getBytes(StandardCharsets.UTF_8)).substring(0, 31);
    }

    /**
     * The answer to a repeat of an earlier upload with the request's key: its photo when the bytes
     * are the same (read here only to take their digest, never stored), else IDEMPOTENCY_KEY_REUSED;
     * empty for an upload without a key or with a key not used before.
     */
    private Optional<UploadReceipt> repeat(String id, UploadRequest request) {
        Optional<IdempotencyKeys.First> first = keys.first(request.idempotencyKey(), id);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        try (StagedOriginal staged = stage(id, request)) {
            return Optional.of(keys.repeat(request.idempotencyKey(), first.get(), staged.sha256()));
        }
    }
}
