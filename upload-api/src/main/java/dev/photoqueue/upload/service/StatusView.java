package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoReleased;
import dev.photoqueue.worker.job.PhotoUploaded;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The status of every photo, as the queue's records say: jobs on {@code photo.uploaded}, outcomes
 * on {@code photo.events} and dead letters on {@code photo.uploaded.dlq}. Nothing else decides it,
 * so it can be thrown away and rebuilt by reading again ({@link #replay}), and after a restart it
 * is rebuilt from the start of the retained log.
 *
 * <p>Records of the three topics may be read in any interleaving, so the status is decided by
 * time, not by reading order: a failure or dead letter counts only when it is not older than the
 * photo's latest job (a redriven job makes the photo QUEUED again), and a processed photo stays
 * DONE. QUEUED is shown as PROCESSING while the job is first in line on a partition a worker
 * owns ({@link JobProgress}).
 *
 * <p>Each photo keeps its journey ({@link #journey}): the steps its records tell, in reading
 * order. Uploads, outcomes and dead letters are records of their own; deliveries and releases
 * are told by the workers ({@link PhotoDelivered}, {@link PhotoReleased}). What no record tells is
 * inferred: a delivery whose member has left the group ({@link DeliverySettler}, by asking the
 * group) with no outcome is {@code crashed}, and under at-most-once {@code lost} (status
 * {@link PhotoStatus#LOST}), as no other delivery will come; a new delivery after one with no
 * outcome whose member is still there is {@code expired} (its lock or session ran out). Replay
 * rebuilds the journey with everything else; the inference then uses the group as it is now.
 *
 * <p>Reading lags the queue a little. So that an upload's 202 never names a photo the view does
 * not know, {@link #recordAccepted} shows the photo of a job the queue has just acknowledged before
 * its record is read, exactly as reading that record will show it.
 *
 * <p>Memory is bounded: besides every unfinished photo (QUEUED, or with a delivery not yet
 * settled: the live page and the inference need them), it keeps the {@code cacheSize} finished
 * photos changed last ({@link PhotoCache}); older ones go to a {@link PhotoStore} on disk and are
 * read from there (all of a photo: status, variants, digest, journey). A checkpoint
 * ({@link ViewCheckpoint}: the log positions read, the photos in memory) is published with the
 * store every {@value ViewReader#CHECKPOINT_PHOTOS} photos written or
 * {@link ViewReader#CHECKPOINT_EVERY}, and on close, so a start reads only the log after it; a
 * store that is missing, damaged or newer than the log is rebuilt from the start of the log.
 * Reading follows the three topics in time order ({@link ViewReader}).
 *
 * <p>Thread-safety: one thread of its own reads the queue and is the only writer of what it read;
 * {@link #recordAccepted} only adds a photo the view does not have yet. Readers on any thread see
 * immutable {@link PhotoView} snapshots. Listeners run on the reading thread.
 */
public final class StatusView implements AutoCloseable {

    /** The name {@code POST /api/replay} uses for this view. */
    public static final String REPLAY_NAME = "status-view";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StatusView.class);

    private final JobProgress progress;
    private final PhotoStore store;
    private final PhotoCache cache;
    private final DeliverySettler settler;
    private final ViewReader reader;
    private final List<PhotoListener> listeners = new CopyOnWriteArrayList<>();

    private StatusView(QueueBackend backend, JobProgress progress, PhotoStore store, int cacheSize) {
        this.progress = progress;
        this.store = store;
        this.cache = new PhotoCache(store, cacheSize);
        this.settler = new DeliverySettler(backend);
        this.reader = new ViewReader(backend, cache, store, settler, this::publish);
    }

    /**
     * Starts reading the three topics (which must exist), keeping the photo index in
     * {@code indexDir} and at most {@code cacheSize} finished photos in memory: from the index's
     * checkpoint when it has a valid one, else from the beginning of the log.
     */
    public static StatusView start(QueueBackend backend, JobProgress progress, Path indexDir, int cacheSize) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException("the status view's cache size must be >= 1, was " + cacheSize);
        }
        StatusView view = new StatusView(backend, progress, PhotoStore.open(indexDir), cacheSize);
        view.reader.start();
        view.settler.start();
        return view;
    }

    public void addListener(PhotoListener listener) {
        listeners.add(listener);
    }

    /**
     * Shows the photo of {@code job}, acknowledged by the queue at {@code at}, before the reading
     * thread gets to its record: the photo as reading that record will make it when nothing else of
     * it was read. Changes nothing when the view already has the photo (the reading thread got
     * there first, or read later records of it); the reading thread's view always replaces this one.
     * Tells no listener: they hear of the photo when its record is read. Any thread.
     */
    public void recordAccepted(PhotoUploaded job, RecordMetadata at) {
        Track t = new Track(job.photoId(), at.timestamp());
        t.job(job, at.partition(), at.offset(), at.timestamp());
        cache.accept(job.photoId(), new PhotoCache.Shown(t.view(), job.sha256(), null, null));
    }

    /** The photo, or empty when no record names it. */
    public Optional<PhotoView> get(String id) {
        PhotoCache.Shown inMemory = cache.get(id);
        if (inMemory != null) {
            return Optional.of(withProgress(inMemory.view()));
        }
        return store.get(id).map(Track::view);
    }

    /**
     * The SHA-256 of the photo's original as its job record names it (durable: rebuilt from the log
     * like everything here), or empty while no job of the photo was read (a sync upload has none).
     */
    public Optional<String> sourceDigest(String id) {
        PhotoCache.Shown inMemory = cache.get(id);
        if (inMemory != null) {
            return Optional.ofNullable(inMemory.sha256());
        }
        return store.get(id).map(t -> t.sha256);
    }

    /** The photo's journey, oldest step first, or empty when no record names the photo. */
    public Optional<List<JourneyStep>> journey(String id) {
        PhotoCache.Shown inMemory = cache.get(id);
        List<JourneyStep> steps = inMemory != null ? inMemory.journey() : null;
        if (steps != null) {
            return Optional.of(byTime(steps));
        }
        return store.get(id).map(t -> byTime(t.steps));
    }

    /**
     * By time: the three topics are read in any interleaving (a stable sort keeps an inferred step
     * before the delivery it was inferred from). Sorted when read, not at every step read.
     */
    private static List<JourneyStep> byTime(List<JourneyStep> steps) {
        return steps.stream().sorted(Comparator.comparing(JourneyStep::at)).toList();
    }

    /** The {@code limit} most recently uploaded photos in memory (the unfinished and the cache), newest first. */
    public List<PhotoView> recent(int limit) {
        return cache.all().stream()
                .map(PhotoCache.Shown::view)
                .sorted(Comparator.comparing(PhotoView::uploadedAt).reversed().thenComparing(PhotoView::id))
                .limit(limit)
                .map(this::withProgress)
                .toList();
    }

    /** The photos read from the log, in memory or in the index. */
    public long size() {
        return cache.known();
    }

    /** Finished photos kept in memory at most. */
    public int cacheSize() {
        return cache.cacheSize();
    }

    /** True when the photo is held in memory, not only in the index. */
    /** Whether the view has read the log to its end since it started (or last replayed). */
    boolean caughtUp() {
        return cache.caughtUp();
    }

    boolean inMemory(String id) {
        return cache.get(id) != null;
    }

    /** The photos held in memory: the unfinished ones and at most the cache size of finished ones. */
    public int inMemory() {
        return cache.size();
    }

    /** Records read since start; tests and the dashboard use it to see the view move. */
    public long recordsRead() {
        return reader.recordsRead();
    }

    /**
     * Reads the topics again from the first record at or after {@code from}; from the epoch (or
     * earlier) it forgets everything first and rebuilds from the start. Returns at once; the view
     * catches up on its thread.
     */
    public void replay(Instant from) {
        reader.replay(from.toEpochMilli());
    }

    /**
     * Stops reading and publishes a last checkpoint. The reading thread is not interrupted: an
     * interrupt would close the index's file under a write; it stops within a poll.
     */
    @Override
    public void close() {
        settler.close();
        if (reader.stop()) {
            store.close();
        } else {
            LOG.warn("status view: the reading thread did not stop; the photo index stays open");
        }
    }

    private PhotoView withProgress(PhotoView view) {
        if (view.status() == PhotoStatus.QUEUED && view.partition() >= 0
                && progress.inProgress(view.partition(), view.offset())) {
            return new PhotoView(view.id(), PhotoStatus.PROCESSING, view.attempts(), view.variants(), view.error(),
                    view.partition(), view.offset(), view.user(), view.city(), view.uploadedAt(), view.updatedAt(),
                    view.duplicate(), view.deadLettered());
        }
        return view;
    }

    /** Shows a changed photo, tells the listeners, and moves the finished photos past the cache size to disk. Reading thread. */
    private void publish(Track track) {
        PhotoView shown = withProgress(cache.changed(track));
        for (PhotoListener listener : listeners) {
            listener.photoChanged(shown);
        }
        cache.evictFinished();
    }

    /** The URL path of the bytes of a variant of the first worker version. */
    public static String variantUrl(String photoId, String variant) {
        return "/photos/" + photoId + "/" + variant + ".jpg";
    }

    /**
     * The URL path of a variant's bytes: its path in the blob store, under {@code /}, so
     * {@code /photos/<id>/<variant>.jpg} for worker version v1 and {@code /photos/<id>/<version>/<variant>.jpg}
     * for the others. Each version's file has a URL of its own whose bytes never change, so a photo
     * that a fixed version rendered again gets a new URL, and no browser shows a cached faulty one.
     */
    public static String variantUrl(PhotoProcessed.ProcessedVariant variant) {
        return "/" + variant.path();
    }
}
