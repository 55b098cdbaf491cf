package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.worker.index.PhotoIndex;
import dev.photoqueue.worker.job.MalformedJobException;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoReleased;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

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
 * inferred: a delivery whose member has left the group ({@link #MEMBERS_EVERY}, by asking the
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
 * photos changed last; older ones go to a {@link PhotoIndex} on disk and are read from there
 * (all of a photo: status, variants, digest, journey). A checkpoint ({@link ViewCheckpoint}: the
 * log positions read, the photos in memory) is published with the index every
 * {@value #CHECKPOINT_PHOTOS} photos written or {@link #CHECKPOINT_EVERY}, and on close, so a
 * start reads only the log after it; an index that is missing, damaged or newer than the log is
 * rebuilt from the start of the log. Reading follows the three topics in time order (the one
 * read least far in time next), so a photo's job and its outcome are read close together and few
 * photos are unfinished at any moment of a rebuild.
 *
 * <p>Thread-safety: one thread of its own reads the queue and is the only writer of what it read;
 * {@link #recordAccepted} only adds a photo the view does not have yet. Readers on any thread see
 * immutable {@link PhotoView} snapshots. Listeners run on the reading thread.
 */
public final class StatusView implements AutoCloseable {

    /** The name {@code POST /api/replay} uses for this view. */
    public static final String REPLAY_NAME = "status-view";

    private static final Logger LOG = LoggerFactory.getLogger(StatusView.class);
    private static final String DLQ = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long RETRY_MILLIS = 1_000;
    /** How often the group's members are read, to tell which open deliveries lost their worker. */
    static final Duration MEMBERS_EVERY = Duration.ofSeconds(1);
    /** Photos written to the index since the last checkpoint that make the next one due. */
    static final int CHECKPOINT_PHOTOS = 50_000;
    /** The longest a change waits for a checkpoint. */
    static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(10);
    /** How long a poll waits for records once every topic is read to its end (one of the three waits). */
    private static final Duration IDLE_POLL = Duration.ofMillis(30);

    private final QueueBackend backend;
    private final JobProgress progress;
    private final MessageCodec codec = new MessageCodec();
    /** What readers see of each photo in memory: one entry, so they see its parts together. */
    private final Map<String, Shown> photos = new ConcurrentHashMap<>();
    /** The members of the thumbnailers group at a moment, read off the reading thread. */
    private final AtomicReference<Members> members = new AtomicReference<>();
    private final java.util.concurrent.ScheduledExecutorService memberReader;
    /** Set by the reading thread: some delivery waits for a reading of the members. */
    private volatile boolean membersWanted;
    private final Map<String, Track> tracks = new HashMap<>(); // reading thread only
    private final List<PhotoListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Long> pendingReplay = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long recordsRead;
    private final PhotoIndex index;
    private final int cacheSize;
    /** Finished photos in memory, least recently changed first: the ones evicted to the index. */
    private final java.util.LinkedHashSet<String> finished = new java.util.LinkedHashSet<>(); // reading thread only
    /** Photos in memory changed since they were last written to the index. */
    private final java.util.Set<String> dirty = new java.util.HashSet<>(); // reading thread only
    /** The start of each timed replay, by epoch: the steps a stored photo drops when read again. */
    private final List<Long> replays = new CopyOnWriteArrayList<>();
    /** Held while a photo leaves memory, so that {@link #recordAccepted} never adds back a photo just stored. */
    private final Object evicting = new Object();
    private volatile long known;
    private final TrackCodec.Writer writer = new TrackCodec.Writer(); // reading thread only
    /** The photos written to the index since it was last empty (a superset: a Bloom filter). Reading thread only. */
    private final IdFilter storedThisRun = new IdFilter();
    /** True when the index was empty when reading began from the start of the log (no lookups needed but of {@link #storedThisRun}). */
    private boolean indexStartedEmpty;
    private long readAtCheckpoint;
    private long checkpointAt;

    private StatusView(QueueBackend backend, JobProgress progress, PhotoIndex index, int cacheSize) {
        this.backend = backend;
        this.progress = progress;
        this.index = index;
        this.cacheSize = cacheSize;
        this.thread = new Thread(this::run, "status-view");
        this.thread.setDaemon(true);
        this.memberReader = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-view-members");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A photo in memory as readers see it: its view, the SHA-256 of its original as its latest job
     * names it (null while no job was read), and its journey's steps in reading order (sorted by
     * time when read; null for a photo only {@link #recordAccepted}, whose journey is not read yet).
     */
    private record Shown(PhotoView view, String sha256, List<JourneyStep> steps) {
    }

    /** Who was in the thumbnailers group when. */
    private record Members(long atMillis, java.util.Set<String> ids) {
    }

    /**
     * Reads the group's members while a delivery waits to be settled by them (an admin call a
     * second, not while every photo has its outcome); a failure (the backend away, no such group
     * yet) leaves the last reading.
     */
    private void readMembers() {
        if (!membersWanted) {
            return;
        }
        try {
            long at = System.currentTimeMillis();
            java.util.Set<String> ids = new java.util.HashSet<>();
            backend.admin().describeGroup(Topics.THUMBNAILERS).members().forEach(m -> ids.add(m.memberId()));
            members.set(new Members(at, ids));
        } catch (RuntimeException e) {
            LOG.debug("status view: could not read the members of {}: {}", Topics.THUMBNAILERS, e.toString());
        }
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
        StatusView view = new StatusView(backend, progress, PhotoIndex.open(indexDir), cacheSize);
        view.thread.start();
        view.memberReader.scheduleWithFixedDelay(view::readMembers, 0, MEMBERS_EVERY.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
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
        synchronized (evicting) {
            if (photos.containsKey(job.photoId()) || index.get(job.photoId()).isPresent()) {
                return;
            }
            photos.putIfAbsent(job.photoId(), new Shown(t.view(), job.sha256(), null));
        }
    }

    /** The photo, or empty when no record names it. */
    public Optional<PhotoView> get(String id) {
        Shown inMemory = photos.get(id);
        if (inMemory != null) {
            return Optional.of(withProgress(inMemory.view()));
        }
        return stored(id).map(Track::view);
    }

    /** The photo as the index has it (finished, so no progress to show), or empty. Any thread. */
    private Optional<Track> stored(String id) {
        return index.get(id).map(TrackCodec::decode).map(this::withReplays);
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

    /**
     * The SHA-256 of the photo's original as its job record names it (durable: rebuilt from the log
     * like everything here), or empty while no job of the photo was read (a sync upload has none).
     */
    public Optional<String> sourceDigest(String id) {
        Shown inMemory = photos.get(id);
        if (inMemory != null) {
            return Optional.ofNullable(inMemory.sha256());
        }
        return stored(id).map(t -> t.sha256);
    }

    /** The photo's journey, oldest step first, or empty when no record names the photo. */
    public Optional<List<JourneyStep>> journey(String id) {
        Shown inMemory = photos.get(id);
        if (inMemory != null && inMemory.steps() != null) {
            return Optional.of(byTime(inMemory.steps()));
        }
        return stored(id).map(t -> byTime(t.steps));
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
        return photos.values().stream()
                .map(Shown::view)
                .sorted(Comparator.comparing(PhotoView::uploadedAt).reversed().thenComparing(PhotoView::id))
                .limit(limit)
                .map(this::withProgress)
                .toList();
    }

    /** The photos read from the log, in memory or in the index. */
    public long size() {
        return known;
    }

    /** Finished photos kept in memory at most. */
    public int cacheSize() {
        return cacheSize;
    }

    /** True when the photo is held in memory, not only in the index. */
    boolean inMemory(String id) {
        return photos.containsKey(id);
    }

    /** The photos held in memory: the unfinished ones and at most the cache size of finished ones. */
    public int inMemory() {
        return photos.size();
    }

    /** Records read since start; tests and the dashboard use it to see the view move. */
    public long recordsRead() {
        return recordsRead;
    }

    /**
     * Reads the topics again from the first record at or after {@code from}; from the epoch (or
     * earlier) it forgets everything first and rebuilds from the start. Returns at once; the view
     * catches up on its thread.
     */
    public void replay(Instant from) {
        pendingReplay.set(from.toEpochMilli());
    }

    /**
     * Stops reading and publishes a last checkpoint. The reading thread is not interrupted: an
     * interrupt would close the index's file under a write; it stops within a poll.
     */
    @Override
    public void close() {
        running = false;
        memberReader.shutdownNow();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("status view: the reading thread did not stop; the photo index stays open");
        } else {
            index.close();
        }
    }

    private PhotoView withProgress(PhotoView view) {
        if (view.status() == PhotoStatus.QUEUED && view.partition() >= 0
                && progress.inProgress(view.partition(), view.offset())) {
            return new PhotoView(view.id(), PhotoStatus.PROCESSING, view.attempts(), view.variants(), view.error(),
                    view.partition(), view.offset(), view.user(), view.city(), view.uploadedAt(), view.updatedAt(),
                    view.duplicate());
        }
        return view;
    }

    /** One consumer of one topic, and how far in time it has read. */
    private static final class TopicReader {
        final Consumer consumer;
        long lastAt = Long.MIN_VALUE;
        boolean idle;

        TopicReader(Consumer consumer) {
            this.consumer = consumer;
        }
    }

    private void run() {
        List<TopicReader> readers = new ArrayList<>();
        try {
            for (String topic : List.of(Topics.PHOTO_UPLOADED, Topics.PHOTO_EVENTS, DLQ)) {
                TopicReader reader = new TopicReader(backend.consumer(ConsumerConfig.builder().maxPollRecords(500)
                        .build()));
                readers.add(reader);
                reader.consumer.assign(partitions(topic));
            }
            resume(readers);
            while (running) {
                try {
                    readOnce(readers);
                    maybeCheckpoint(readers);
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    // the view must outlive a bad moment of the backend: it is the only source of status
                    LOG.warn("status view: reading the queue failed, trying again in {} ms: {}", RETRY_MILLIS,
                            e.toString());
                    pause();
                }
            }
            checkpoint(readers);
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("the status view could not start reading the queue", e);
            } else {
                LOG.warn("status view: the last checkpoint failed; the next start reads more of the log: {}",
                        e.toString());
            }
        } finally {
            readers.forEach(r -> r.consumer.close());
        }
    }

    /**
     * Reads the topic read least far in time; once every topic is at its end, waits for records
     * on each in turn.
     */
    private void readOnce(List<TopicReader> readers) {
        Long from = pendingReplay.getAndSet(null);
        if (from != null) {
            seek(readers, from);
        }
        TopicReader behind = null;
        for (TopicReader r : readers) {
            if (!r.idle && (behind == null || r.lastAt < behind.lastAt)) {
                behind = r;
            }
        }
        if (behind != null) {
            List<ConsumerRecord> records = behind.consumer.poll(Duration.ZERO);
            behind.idle = records.isEmpty();
            applyAll(behind, records);
        } else {
            // one poll waits (an in-house poll wakes at a write to any partition), the others only look
            for (TopicReader r : readers) {
                List<ConsumerRecord> records = r.consumer.poll(r == readers.get(0) ? IDLE_POLL : Duration.ZERO);
                r.idle = records.isEmpty();
                applyAll(r, records);
            }
        }
        settleOpenDeliveries();
    }

    private void applyAll(TopicReader reader, List<ConsumerRecord> records) {
        for (ConsumerRecord record : records) {
            apply(record);
            reader.lastAt = record.timestamp();
            recordsRead++;
        }
    }

    /**
     * Continues from the index's checkpoint: its photos in memory back, each topic from the
     * position it covers. Without one, or when the log no longer has what it covers (the log is
     * shorter than the checkpoint says: truncated or replaced), the index is emptied and the view
     * rebuilt from the start of the log.
     */
    private void resume(List<TopicReader> readers) {
        Optional<ViewCheckpoint> saved;
        try {
            saved = index.meta().map(ViewCheckpoint::decode);
        } catch (IllegalArgumentException e) {
            LOG.warn("status view: the photo index's checkpoint is unreadable ({}), rebuilding it", e.getMessage());
            saved = Optional.empty();
        }
        if (saved.isEmpty()) {
            index.clear();
            indexStartedEmpty = true;
            LOG.info("status view: no photo index to continue from, reading the log from its start");
            return;
        }
        ViewCheckpoint checkpoint = saved.get();
        for (TopicReader r : readers) {
            Map<TopicPartition, Long> ends = r.consumer.endOffsets(r.consumer.assignment());
            for (Map.Entry<TopicPartition, Long> p : checkpoint.positions().entrySet()) {
                Long end = ends.get(p.getKey());
                if (r.consumer.assignment().contains(p.getKey()) && p.getValue() > end) {
                    index.clear();
                    indexStartedEmpty = true;
                    LOG.warn("status view: the photo index covers {} up to offset {}, but the log ends at {}: "
                            + "rebuilding the index from the start of the log", p.getKey(), p.getValue(), end);
                    return;
                }
            }
        }
        for (TopicReader r : readers) {
            Map<TopicPartition, Long> starts = r.consumer.beginningOffsets(r.consumer.assignment());
            for (TopicPartition tp : r.consumer.assignment()) {
                Long position = checkpoint.positions().get(tp);
                if (position == null) {
                    continue; // a partition added since: read from its beginning
                }
                if (position < starts.get(tp)) {
                    LOG.warn("status view: {} starts at offset {}, after the index's position {}: the records between "
                            + "are gone (retention) and are not read", tp, starts.get(tp), position);
                    position = starts.get(tp);
                }
                r.consumer.seek(tp, position);
            }
        }
        known = checkpoint.known();
        replays.addAll(checkpoint.replays());
        for (String id : checkpoint.inMemory()) {
            stored(id).ifPresent(t -> {
                tracks.put(id, t);
                show(t);
            });
        }
        readAtCheckpoint = recordsRead;
        checkpointAt = System.nanoTime();
        LOG.info("status view: continuing from the photo index ({} photos, {} in memory)", known, tracks.size());
    }

    private void maybeCheckpoint(List<TopicReader> readers) {
        boolean due = index.pending() + dirty.size() >= CHECKPOINT_PHOTOS
                || (recordsRead != readAtCheckpoint
                && System.nanoTime() - checkpointAt >= CHECKPOINT_EVERY.toNanos());
        if (due) {
            checkpoint(readers);
        }
    }

    /**
     * Writes the photos in memory changed since they were stored, then publishes the index with
     * the positions read so far: everything read before them is in the index.
     */
    private void checkpoint(List<TopicReader> readers) {
        for (String id : dirty) {
            store(id, tracks.get(id));
        }
        dirty.clear();
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicReader r : readers) {
            for (TopicPartition tp : r.consumer.assignment()) {
                positions.put(tp, r.consumer.position(tp));
            }
        }
        index.checkpoint(new ViewCheckpoint(positions, known, List.copyOf(replays), List.copyOf(tracks.keySet()))
                .encode());
        readAtCheckpoint = recordsRead;
        checkpointAt = System.nanoTime();
    }

    /** Photos whose latest delivery has no outcome yet: the ones {@link #settleOpenDeliveries} looks at. */
    private final java.util.Set<String> open = new java.util.HashSet<>(); // reading thread only
    /** Photos delivered again with no ack of the delivery before, waiting for a reading of the members. */
    private final java.util.Set<String> unsettledEnds = new java.util.HashSet<>(); // reading thread only
    private long membersSeen;

    /**
     * Marks the open deliveries whose member has left the group, by the latest reading of the
     * members taken after the delivery was recorded (a member is in the group before it is handed
     * anything): {@code crashed}, and at-most-once also {@code lost}.
     */
    private void settleOpenDeliveries() {
        membersWanted = !open.isEmpty() || !unsettledEnds.isEmpty();
        Members now = members.get();
        if (now == null || now.atMillis() == membersSeen || (open.isEmpty() && unsettledEnds.isEmpty())) {
            return;
        }
        membersSeen = now.atMillis();
        // A delivery that came again with no ack before: its member left (crashed) or stayed (its lock expired).
        for (java.util.Iterator<String> it = unsettledEnds.iterator(); it.hasNext(); ) {
            Track t = tracks.get(it.next());
            if (t == null || t.unsettledEnd == null) {
                it.remove();
            } else if (t.unsettledEndAt < now.atMillis()) {
                it.remove();
                t.settleEnd(now.ids().contains(t.unsettledEnd.memberId()));
                publish(t);
            }
        }
        for (java.util.Iterator<String> it = open.iterator(); it.hasNext(); ) {
            Track t = tracks.get(it.next());
            if (t == null || t.delivered == null) {
                it.remove();
                continue;
            }
            if (t.deliveredAt < now.atMillis() && !now.ids().contains(t.delivered.memberId())) {
                it.remove();
                t.memberGone(now.atMillis());
                publish(t);
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private List<TopicPartition> partitions(String topic) {
        List<TopicPartition> all = new ArrayList<>();
        for (PartitionInfo p : backend.admin().describeTopic(topic).partitions()) {
            all.add(new TopicPartition(topic, p.partition()));
        }
        return all;
    }

    private void seek(List<TopicReader> readers, long fromMillis) {
        readers.forEach(r -> {
            r.idle = false;
            r.lastAt = Long.MIN_VALUE;
        });
        if (fromMillis <= 0) {
            synchronized (evicting) {
                tracks.clear();
                photos.clear();
                open.clear();
                unsettledEnds.clear();
                finished.clear();
                dirty.clear();
                replays.clear();
                index.clear();
                storedThisRun.clear();
                indexStartedEmpty = true;
                known = 0;
            }
            readers.forEach(r -> r.consumer.seekToBeginning(r.consumer.assignment()));
            LOG.info("status view: rebuilding from the start of the log");
            return;
        }
        // The records from then on are read again, and tell their steps again; stored photos drop
        // theirs when next read (withReplays).
        replays.add(fromMillis);
        tracks.values().forEach(t -> {
            t.steps.removeIf(step -> step.at().toEpochMilli() >= fromMillis);
            t.replayEpoch = replays.size();
            dirty.add(t.id);
        });
        for (TopicReader r : readers) {
            Consumer consumer = r.consumer;
            Map<TopicPartition, Long> query = new HashMap<>();
            consumer.assignment().forEach(tp -> query.put(tp, fromMillis));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
            for (TopicPartition tp : consumer.assignment()) {
                OffsetAndTimestamp at = found.get(tp);
                consumer.seek(tp, at != null ? at.offset() : ends.get(tp));
            }
        }
        LOG.info("status view: reading again from {}", Instant.ofEpochMilli(fromMillis));
    }

    private void apply(ConsumerRecord record) {
        Track track;
        switch (record.topic()) {
            case Topics.PHOTO_UPLOADED -> track = applyJob(record);
            case Topics.PHOTO_EVENTS -> track = applyEvent(record);
            default -> track = applyDeadLetter(record);
        }
        if (track != null) {
            publish(track);
        }
    }

    private void publish(Track track) {
        PhotoView shown = withProgress(show(track));
        dirty.add(track.id);
        for (PhotoListener listener : listeners) {
            listener.photoChanged(shown);
        }
        evictFinished();
    }

    /** Makes the track's photo, digest and journey what readers see, and notes whether it may leave memory. */
    private PhotoView show(Track track) {
        PhotoView view = track.view();
        photos.put(view.id(), new Shown(view, track.sha256, List.copyOf(track.steps)));
        // both sets only ever name photos in memory, so they do not grow with history (removing
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
        if (track.delivered == null && track.unsettledEnd == null && view.status() != PhotoStatus.QUEUED) {
            finished.add(track.id);
        }
        return view;
    }

    /**
     * Moves the least recently changed finished photos past the cache size to the index: written
     * there before they leave memory, so a reader finds each photo in one or the other.
     */
    private void evictFinished() {
        while (finished.size() > cacheSize) {
            java.util.Iterator<String> eldest = finished.iterator();
            String id = eldest.next();
            eldest.remove();
            Track t = tracks.remove(id);
            synchronized (evicting) {
                if (dirty.remove(id)) {
                    store(id, t);
                }
                photos.remove(id);
            }
        }
    }

    /** Writes the photo to the index, and notes that it may be there. */
    private void store(String id, Track t) {
        index.put(id, writer.encode(t));
        storedThisRun.add(id);
    }

    private Track applyJob(ConsumerRecord record) {
        PhotoUploaded job = decodeJob(record);
        if (job == null) {
            return null;
        }
        Track t = track(job.photoId(), record.timestamp());
        // a second job of the photo is a redrive's copy (an upload makes one job, a retried one none)
        boolean again = t.partition >= 0 && (t.partition != record.partition() || t.offset != record.offset());
        // an upload's step says when its request came and when its original was on disk; a redrive's
        // copy of the job would only repeat those times
        t.steps.add(JourneyStep.of(record.timestamp(), again ? "redriven" : "uploaded", "partition",
                record.partition(), "offset", record.offset(), "key", record.keyAsString(),
                "received", again ? null : text(job.receivedAt()), "stored", again ? null : text(job.uploadedAt())));
        t.job(job, record.partition(), record.offset(), record.timestamp());
        return t;
    }

    private Track applyEvent(ConsumerRecord record) {
        PhotoEvent event;
        try {
            event = codec.decodeEvent(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warn("status view: skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return null;
        }
        if (event.photoId() == null) {
            return null;
        }
        Track t = track(event.photoId(), record.timestamp());
        long at = record.timestamp();
        t.updatedAt = Math.max(t.updatedAt, at);
        if (event instanceof PhotoDelivered d) {
            if (t.delivery(d, at)) {
                unsettledEnds.add(t.id);
            }
            return t;
        }
        t.delivered = null; // an outcome or a release: the delivery ended
        t.lastReleased = event instanceof PhotoReleased;
        if (event instanceof PhotoProcessed done) {
            t.processedAt = at;
            t.duplicate = done.duplicate();
            t.attempts = Math.max(t.attempts, done.deliveryCount());
            t.variants.clear();
            done.variants().forEach(v -> t.variants.put(v.name(), variantUrl(v)));
            // how long the worker took, and when this view read the outcome: the moment it showed DONE
            t.steps.add(JourneyStep.of(at, "processed", "delivery", done.deliveryCount(), "worker", done.workerId(),
                    "duplicate", done.duplicate(), "processingMs", Math.round(done.timings().totalMicros() / 100.0) / 10.0,
                    "shown", Instant.now().toString()));
        } else if (event instanceof PhotoFailed failed) {
            t.failedAt = Math.max(t.failedAt, at);
            t.attempts = Math.max(t.attempts, failed.attempts());
            t.error = failed.reason();
            t.steps.add(JourneyStep.of(at, "failed", "delivery", failed.attempts(), "worker", failed.workerId(),
                    "permanent", failed.permanent(), "error", failed.reason()));
        } else if (event instanceof PhotoReleased released) {
            t.attempts = Math.max(t.attempts, released.deliveryCount());
            t.steps.add(JourneyStep.of(at, "released", "delivery", released.deliveryCount(), "worker",
                    released.workerId(), "error", released.error()));
        }
        return t;
    }

    private Track applyDeadLetter(ConsumerRecord record) {
        PhotoUploaded job = decodeJob(record);
        if (job == null) {
            return null;
        }
        long at = headerLong(record, DeadLetters.DEAD_LETTERED_AT, record.timestamp());
        Track t = track(job.photoId(), record.timestamp());
        t.deadAt = Math.max(t.deadAt, at);
        t.updatedAt = Math.max(t.updatedAt, at);
        t.attempts = Math.max(t.attempts, (int) headerLong(record, DeadLetters.DELIVERY_COUNT, 0));
        Header error = record.header(DeadLetters.ERROR);
        if (error != null && error.value() != null) {
            t.error = error.valueAsString();
        }
        t.steps.add(JourneyStep.of(at, "dead-lettered", "reason", t.error, "deliveries",
                (int) headerLong(record, DeadLetters.DELIVERY_COUNT, 0), "offset", record.offset()));
        return t;
    }

    private PhotoUploaded decodeJob(ConsumerRecord record) {
        try {
            return codec.decodeJob(record.value(), record.topic() + "-" + record.partition() + "@" + record.offset());
        } catch (MalformedJobException e) {
            LOG.warn("status view: skipping a malformed job: {}", e.getMessage());
            return null;
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    /** The photo's track: in memory, else read back from the index, else a new photo. */
    private Track track(String photoId, long timestamp) {
        Track t = tracks.get(photoId);
        if (t == null) {
            // a photo not in memory is in the index only if stored there before this run or in it
            t = indexStartedEmpty && !storedThisRun.mightContain(photoId) ? null : stored(photoId).orElse(null);
            if (t == null) {
                t = new Track(photoId, timestamp);
                t.replayEpoch = replays.size();
                known++;
            }
            tracks.put(photoId, t);
        }
        return t;
    }

    private static long headerLong(ConsumerRecord record, String key, long fallback) {
        Header header = record.header(key);
        if (header == null || header.value() == null) {
            return fallback;
        }
        try {
            return Long.parseLong(header.valueAsString().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
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

    /**
     * What the records said about one photo so far; touched by the reading thread only (a copy
     * decoded from the index by any).
     */
    static final class Track {
        final String id;
        /** How many timed replays this track has dropped the re-read steps of. */
        int replayEpoch;
        final Map<String, String> variants = new LinkedHashMap<>();
        long lastJobAt;
        long processedAt;
        long failedAt;
        long deadAt;
        long updatedAt;
        int attempts;
        boolean duplicate;
        /** The latest delivery while it has no outcome, else null. */
        PhotoDelivered delivered;
        /** The latest delivery, with or without an outcome; whether it was released, or found crashed. */
        PhotoDelivered last;
        boolean lastReleased;
        boolean lastEnded;
        /** A delivery that ended unacked, known from the next one: how it ended waits for the members. */
        PhotoDelivered unsettledEnd;
        long unsettledEndAt;
        String unsettledEndWhen;
        int unsettledEndIndex;
        long deliveredAt;
        long lostAt;
        final List<JourneyStep> steps = new ArrayList<>();
        int partition = -1;
        long offset = -1;
        String error;
        String user;
        String city;
        /** The digest of the original, from the latest job; null while no job was read. */
        String sha256;
        Instant uploadedAt;

        Track(String id, long firstSeen) {
            this.id = id;
            this.uploadedAt = Instant.ofEpochMilli(firstSeen);
            this.updatedAt = firstSeen;
        }

        /** A job of the photo, stored at {@code partition}/{@code offset} of photo.uploaded at {@code timestamp}. */
        void job(PhotoUploaded job, int partition, long offset, long timestamp) {
            lastJobAt = Math.max(lastJobAt, timestamp);
            this.partition = partition;
            this.offset = offset;
            user = job.userId();
            city = job.city();
            sha256 = job.sha256();
            uploadedAt = job.uploadedAt();
            updatedAt = timestamp;
        }

        /** A worker took the photo's job; an earlier delivery with no outcome ended without one. */
        /**
         * A worker took the photo's job. True when that shows the delivery before ended unacked
         * (the same job again: a higher count; a replay starts counting afresh), unless it was
         * released or already found crashed: its step waits for {@link #settleEnd}.
         */
        boolean delivery(PhotoDelivered d, long at) {
            boolean unacked = last != null && d.deliveryCount() > last.deliveryCount() && !lastReleased && !lastEnded;
            if (unacked) {
                unsettledEnd = last;
                unsettledEndAt = at;
                unsettledEndWhen = delivered != null ? "without an outcome"
                        : "after publishing its outcome, before acking the job";
                unsettledEndIndex = steps.size();
            }
            last = d;
            lastReleased = false;
            lastEnded = false;
            delivered = d;
            deliveredAt = at;
            attempts = Math.max(attempts, d.deliveryCount());
            steps.add(JourneyStep.of(at, "delivered", "delivery", d.deliveryCount(), "member", d.memberId(), "worker",
                    d.workerId(), "guarantee", d.guarantee()));
            return unacked;
        }

        /**
         * Tells how the unacked delivery ended, by a reading of the members taken after the job
         * came again: its member gone, its worker died; still there, its lock or session ran out.
         */
        void settleEnd(boolean memberStayed) {
            JourneyStep step = JourneyStep.of(unsettledEndAt, memberStayed ? "expired" : "crashed", "delivery",
                    unsettledEnd.deliveryCount(), "worker", unsettledEnd.workerId(), "reason", (memberStayed
                            ? "its lock or session ran out " : "its worker left the group ") + unsettledEndWhen
                            + "; the job was handed out again");
            steps.add(Math.min(unsettledEndIndex, steps.size()), step);
            unsettledEnd = null;
        }

        /** The open delivery's member left the group at {@code at} without an outcome. */
        void memberGone(long at) {
            lastEnded = true;
            steps.add(JourneyStep.of(at, "crashed", "delivery", delivered.deliveryCount(), "worker",
                    delivered.workerId(), "reason", "its worker left the group without an outcome"));
            if ("at-most-once".equals(delivered.guarantee())) {
                lostAt = at;
                error = "delivered at-most-once to worker " + delivered.workerId() + ", which died with it: the job "
                        + "counted as done when it was handed out, so it is never delivered again";
                steps.add(JourneyStep.of(at, "lost", "reason", error));
            }
            updatedAt = Math.max(updatedAt, at);
            delivered = null;
        }

        PhotoStatus status() {
            if (processedAt > 0) {
                return PhotoStatus.DONE;
            }
            if (lostAt > 0 && lostAt >= lastJobAt) {
                return PhotoStatus.LOST;
            }
            if (deadAt > 0 && deadAt >= lastJobAt) {
                return PhotoStatus.DEAD_LETTERED;
            }
            if (failedAt > 0 && failedAt >= lastJobAt) {
                return PhotoStatus.FAILED;
            }
            return PhotoStatus.QUEUED;
        }

        PhotoView view() {
            PhotoStatus status = status();
            return new PhotoView(id, status, attempts, status == PhotoStatus.DONE ? variants : Map.of(),
                    status == PhotoStatus.DONE ? null : error, partition, offset, user, city, uploadedAt,
                    Instant.ofEpochMilli(updatedAt), status == PhotoStatus.DONE && duplicate);
        }
    }
}
