package dev.photoqueue.upload.service;

import dev.photoqueue.worker.index.PhotoIndex;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The status view's photos on disk: the finished photos evicted from memory, as {@link TrackCodec}
 * records in a {@link PhotoIndex}, whose checkpoint carries the view's {@link ViewCheckpoint}. It
 * also keeps the starts of the timed replays: a photo stored before a replay drops, when read
 * back, the steps the replay reads again.
 *
 * <p>Thread-safety: the reading thread writes ({@link #put}, {@link #checkpoint}, {@link #clear});
 * {@link #get} and {@link #contains} may be called from any thread.
 */
final class PhotoStore implements AutoCloseable {

    private final PhotoIndex index;
    /** The start of each timed replay, by epoch: the steps a stored photo drops when read again. */
    private final List<Long> replays = new CopyOnWriteArrayList<>();
    /** The photos put since the index was last empty (a superset: a Bloom filter). Reading thread only. */
    private final IdFilter putSinceEmpty = new IdFilter();
    /** True when the index was emptied in this run: then only the photos of {@link #putSinceEmpty} can be in it. */
    private boolean emptiedThisRun;

    private PhotoStore(PhotoIndex index) {
        this.index = index;
    }

    static PhotoStore open(Path dir) {
        return new PhotoStore(PhotoIndex.open(dir));
    }

    /** The photo as stored (finished, so no progress to show), without the steps replayed since, or empty. Any thread. */
    Optional<Track> get(String id) {
        return index.get(id).map(TrackCodec::decode).map(this::withReplays);
    }

    /** True when the photo is stored. Any thread. */
    boolean contains(String id) {
        return index.get(id).isPresent();
    }

    /**
     * The stored photo for the reading thread: no lookup on disk when the index was emptied in this
     * run and the photo was not put since (a rebuild reads every photo new).
     */
    Optional<Track> lookUp(String id) {
        if (emptiedThisRun && !putSinceEmpty.mightContain(id)) {
            return Optional.empty();
        }
        return get(id);
    }

    /** A stored track without the steps that the timed replays since it was stored read again. */
    private Track withReplays(Track t) {
        List<Long> starts = replays;
        for (int epoch = t.replayEpoch; epoch < starts.size(); epoch++) {
            long from = starts.get(epoch);
            t.steps.removeIf(step -> step.at().toEpochMilli() >= from);
        }
        t.replayEpoch = starts.size();
        return t;
    }

    /** Stores the photo, encoded by {@link TrackCodec} (durable at the next {@link #checkpoint}). */
    void put(String id, byte[] encoded) {
        index.put(id, encoded);
        putSinceEmpty.add(id);
    }

    /** Records put since the last checkpoint. */
    int pending() {
        return index.pending();
    }

    /** Makes every photo put durable and publishes it with the view's checkpoint. */
    void checkpoint(ViewCheckpoint checkpoint) {
        index.checkpoint(checkpoint.encode());
    }

    /** The view's last published checkpoint, or empty; {@link IllegalArgumentException} when unreadable. */
    Optional<ViewCheckpoint> saved() {
        return index.meta().map(ViewCheckpoint::decode);
    }

    /** Forgets every photo and replay. */
    void clear() {
        index.clear();
        replays.clear();
        putSinceEmpty.clear();
        emptiedThisRun = true;
    }

    /** The starts of the timed replays so far, oldest first. */
    List<Long> replays() {
        return List.copyOf(replays);
    }

    /** Notes a timed replay from {@code fromMillis}; returns the epoch it begins. */
    int addReplay(long fromMillis) {
        replays.add(fromMillis);
        return replays.size();
    }

    /** The replays a checkpoint names, when continuing from it. */
    void restoreReplays(List<Long> starts) {
        replays.addAll(starts);
    }

    /** The epoch of a photo read from now on: the replays it has seen. */
    int epoch() {
        return replays.size();
    }

    @Override
    public void close() {
        index.close();
    }
}
