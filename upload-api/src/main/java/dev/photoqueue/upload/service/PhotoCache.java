package dev.photoqueue.upload.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status view's photos in memory: every unfinished photo (QUEUED, or with a delivery not yet
 * settled) and the {@code cacheSize} finished photos changed last; older ones are moved to the
 * {@link PhotoStore} on disk, written there before they leave memory, so a reader finds each photo
 * in one or the other. While the view catches up with the log (at start and after a replay, until
 * it first reads every topic to its end) it keeps at most {@value #CATCHING_UP_FINISHED} finished
 * photos: what it reads then is history, and a larger cache only kept each photo alive long enough
 * for the collector to promote it to the old generation, where it died (see bench/README, family
 * {@code scale}).
 *
 * <p>Thread-safety: the reading thread owns the tracks and changes everything; readers on any
 * thread see immutable {@link Shown} snapshots. {@link #accept} may add a photo from any thread.
 */
final class PhotoCache {

    /**
     * A photo in memory as readers see it: its view, the SHA-256 of its original as its latest job
     * names it (null while no job was read), and either its journey's steps in reading order (an
     * unfinished photo) or all of it encoded as the store keeps it (a finished photo: one array
     * instead of its track's many objects, written to the store as it is when evicted); neither for
     * a photo only accepted, whose journey is not read yet.
     */
    record Shown(PhotoView view, String sha256, List<JourneyStep> steps, byte[] encoded) {

        /** The journey's steps in reading order, or null when none was read. */
        List<JourneyStep> journey() {
            return steps != null ? steps : encoded != null ? TrackCodec.decode(encoded).steps : null;
        }
    }

    /** The finished photos kept in memory while the view catches up with the log. */
    static final int CATCHING_UP_FINISHED = 1_000;

    private final PhotoStore store;
    private final int cacheSize;
    /** False until the view has read every topic to its end, and again during a replay. Written by the reading thread. */
    private volatile boolean caughtUp;
    /** What readers see of each photo in memory: one entry, so they see its parts together. */
    private final Map<String, Shown> photos = new ConcurrentHashMap<>();
    /** The unfinished photos' tracks; a finished photo's is decoded again when a record of it comes. */
    private final Map<String, Track> tracks = new HashMap<>(); // reading thread only
    private final TrackCodec.Writer writer = new TrackCodec.Writer(); // reading thread only
    /** Finished photos in memory (encoded), least recently changed first: the ones evicted to the store. */
    private final LinkedHashSet<String> finished = new LinkedHashSet<>(); // reading thread only
    /** Photos in memory changed since they were last written to the store. */
    private final Set<String> dirty = new HashSet<>(); // reading thread only
    /** Photos whose latest delivery has no outcome yet. */
    private final Set<String> open = new HashSet<>(); // reading thread only
    /** Photos delivered again with no ack of the delivery before, waiting for a reading of the members. */
    private final Set<String> unsettledEnds = new HashSet<>(); // reading thread only
    /** Held while a photo leaves memory, so that {@link #accept} never adds back a photo just stored. */
    private final Object evicting = new Object();
    private volatile long known;

    PhotoCache(PhotoStore store, int cacheSize) {
        this.store = store;
        this.cacheSize = cacheSize;
    }

    /** The photo as readers see it, or null when it is not in memory. Any thread. */
    Shown get(String id) {
        return photos.get(id);
    }

    /** Every photo in memory. Any thread. */
    Collection<Shown> all() {
        return photos.values();
    }

    /** How many photos are in memory. Any thread. */
    int size() {
        return photos.size();
    }

    int cacheSize() {
        return cacheSize;
    }

    /** The photos read from the log, in memory or in the store. */
    long known() {
        return known;
    }

    void known(long photos) {
        known = photos;
    }

    /** Shows {@code shown} unless the photo is in memory or in the store already. Any thread. */
    void accept(String id, Shown shown) {
        synchronized (evicting) {
            if (!photos.containsKey(id) && !store.contains(id)) {
                photos.putIfAbsent(id, shown);
            }
        }
    }

    /** The photo's track: in memory, else read back from the store, else a new photo. */
    Track track(String photoId, long timestamp) {
        Track t = tracks.get(photoId);
        if (t == null) {
            Shown finishedInMemory = photos.get(photoId);
            t = finishedInMemory != null && finishedInMemory.encoded() != null
                    ? TrackCodec.decode(finishedInMemory.encoded()) : store.lookUp(photoId).orElse(null);
            if (t == null) {
                t = new Track(photoId, timestamp);
                t.replayEpoch = store.epoch();
                known++;
            }
            tracks.put(photoId, t);
        }
        return t;
    }

    /** The track of an unfinished photo in memory, or null. */
    Track tracked(String id) {
        return tracks.get(id);
    }

    /** The photos in memory, for the checkpoint. */
    List<String> ids() {
        List<String> ids = new ArrayList<>(tracks.keySet());
        ids.addAll(finished);
        return ids;
    }

    /** A photo read back from the store at start, shown as it was. */
    void restore(Track t) {
        tracks.put(t.id, t);
        show(t);
    }

    /** Shows the track as changed: to be written to the store again. */
    PhotoView changed(Track t) {
        PhotoView view = show(t);
        dirty.add(t.id);
        return view;
    }

    /**
     * Makes the track's photo, digest and journey what readers see, and notes whether it may leave
     * memory: a finished photo is kept encoded, not as its track.
     */
    private PhotoView show(Track track) {
        PhotoView view = track.view();
        boolean done = track.delivered == null && track.unsettledEnd == null && view.status() != PhotoStatus.QUEUED;
        if (done) {
            photos.put(view.id(), new Shown(view, track.sha256, null, writer.encode(track)));
            tracks.remove(track.id);
        } else {
            photos.put(view.id(), new Shown(view, track.sha256, List.copyOf(track.steps), null));
        }
        // the sets only ever name photos in memory, so they do not grow with history (removing
        // an absent id, or adding a present one, is no change to a set another loop iterates)
        if (track.delivered != null) {
            open.add(view.id());
        } else {
            open.remove(view.id());
        }
        if (track.unsettledEnd != null) {
            unsettledEnds.add(view.id());
        } else {
            unsettledEnds.remove(view.id());
        }
        finished.remove(track.id); // re-added last: the least recently changed are evicted first
        if (done) {
            finished.add(track.id);
        }
        return view;
    }

    /** The view read every topic to its end ({@code true}), or starts reading far behind it again. */
    void caughtUp(boolean value) {
        caughtUp = value;
    }

    /** Whether the view has read every topic to its end since it started or replayed. Any thread. */
    boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Moves the least recently changed finished photos past the cache size (past
     * {@value #CATCHING_UP_FINISHED} while catching up) to the store.
     */
    void evictFinished() {
        int keep = caughtUp ? cacheSize : Math.min(cacheSize, CATCHING_UP_FINISHED);
        while (finished.size() > keep) {
            Iterator<String> eldest = finished.iterator();
            String id = eldest.next();
            eldest.remove();
            synchronized (evicting) {
                if (dirty.remove(id)) {
                    store.put(id, photos.get(id).encoded());
                }
                photos.remove(id);
            }
        }
    }

    /** Photos changed since last stored. */
    int dirty() {
        return dirty.size();
    }

    /** Writes the photos changed since they were last stored to the store. */
    void storeChanged() {
        for (String id : dirty) {
            Track t = tracks.get(id);
            if (t != null) {
                store.put(id, writer.encode(t));
            } else {
                store.put(id, photos.get(id).encoded());
            }
        }
        dirty.clear();
    }

    /** Photos whose latest delivery has no outcome yet; the caller may remove the ones it settles. */
    Set<String> open() {
        return open;
    }

    /** Photos whose delivery before the latest ended unacked, not yet settled; the caller may remove. */
    Set<String> unsettledEnds() {
        return unsettledEnds;
    }

    /** The photos in memory drop the steps from {@code fromMillis} on, which a replay reads again. */
    void dropStepsFrom(long fromMillis, int epoch) {
        tracks.values().forEach(t -> {
            t.steps.removeIf(step -> step.at().toEpochMilli() >= fromMillis);
            t.replayEpoch = epoch;
            dirty.add(t.id);
        });
        for (String id : finished) {
            Shown shown = photos.get(id);
            Track t = TrackCodec.decode(shown.encoded());
            t.steps.removeIf(step -> step.at().toEpochMilli() >= fromMillis);
            t.replayEpoch = epoch;
            photos.put(id, new Shown(shown.view(), shown.sha256(), null, writer.encode(t)));
            dirty.add(id);
        }
    }

    /** Forgets every photo, in memory and in the store. */
    void clear() {
        synchronized (evicting) {
            tracks.clear();
            photos.clear();
            open.clear();
            unsettledEnds.clear();
            finished.clear();
            dirty.clear();
            store.clear();
            known = 0;
        }
    }

    /** The photo as the store has it, for a reader that did not find it here, or empty. Any thread. */
    Optional<Track> stored(String id) {
        return store.get(id);
    }
}
