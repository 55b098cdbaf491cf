package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Consumer;
import dev.photoqueue.queue.api.ConsumerConfig;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.OffsetAndTimestamp;
import dev.photoqueue.queue.api.PartitionInfo;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.worker.ReadLoop;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The status view's reading of the log: one consumer per topic, read in time order (the topic
 * read least far in time next, as far as its partition read least far: {@link TopicTime}), so a
 * photo's job and its outcome are read close together, few photos are unfinished at any moment of
 * a rebuild, and few jobs come after their photo's outcome (when the finished photo is kept encoded
 * and must be decoded again). It continues from the {@link PhotoStore}'s
 * checkpoint when it has a valid one, else from the beginning of the log, and publishes a
 * checkpoint every {@value #CHECKPOINT_PHOTOS} photos written or {@link #CHECKPOINT_EVERY}, and at
 * the end. Each record's photo goes through the {@link RecordApplier} to {@code publish}.
 *
 * <p>Two threads: {@code status-view} polls and applies, and {@code status-view-decode} decodes the
 * batches polled ahead ({@link DecodeAhead}, at most {@value #DECODE_AHEAD} batches), so decoding
 * runs on the other core beside applying. Batches are applied in the order they were polled, so
 * every record is applied in the order it was read. A topic's place in time is taken when it is
 * polled, from the same records, so the topics are read in the same order as if each batch were
 * applied at once; everything polled is applied before a checkpoint takes the consumers' positions,
 * before a replay seeks, and before the view waits for new records.
 */
final class ViewReader {

    private static final Logger LOG = LoggerFactory.getLogger(StatusView.class);
    private static final String DLQ = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** Photos written to the index since the last checkpoint that make the next one due. */
    static final int CHECKPOINT_PHOTOS = 50_000;
    /** The longest a change waits for a checkpoint. */
    static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(10);
    /** How long a poll waits for records once every topic is read to its end (one of the three waits). */
    private static final Duration IDLE_POLL = Duration.ofMillis(30);
    /**
     * Records a poll returns at most: few, so that a poll moves its partition little in time and
     * the topics are read close together (a photo's job read after its outcome decodes the
     * finished photo again); 25 read fewer jobs late but cost more in polls than they saved.
     */
    static final int POLL_RECORDS = 100;
    /** Batches polled and handed to the decoding thread, not yet applied, at most. */
    static final int DECODE_AHEAD = 2;

    private final QueueBackend backend;
    private final PhotoCache cache;
    private final PhotoStore store;
    private final RecordApplier applier;
    private final DeliverySettler settler;
    private final java.util.function.Consumer<Track> publish;
    private final AtomicReference<Long> pendingReplay = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long recordsRead;
    private long readAtCheckpoint;
    private long checkpointAt;
    private DecodeAhead decoding; // the reading thread's

    ViewReader(QueueBackend backend, PhotoCache cache, PhotoStore store, DeliverySettler settler,
               java.util.function.Consumer<Track> publish) {
        this.backend = backend;
        this.cache = cache;
        this.store = store;
        this.applier = new RecordApplier(cache);
        this.settler = settler;
        this.publish = publish;
        this.thread = new Thread(this::run, "status-view");
        this.thread.setDaemon(true);
    }

    /** One consumer of one topic, and how far in time it has read. */
    private static final class TopicReader {
        final Consumer consumer;
        final TopicTime time;
        boolean idle;

        TopicReader(Consumer consumer, int partitions) {
            this.consumer = consumer;
            this.time = new TopicTime(partitions);
        }
    }

    /** Starts reading on a thread of its own. */
    void start() {
        thread.start();
    }

    /** Reads again from {@code fromMillis} (from the start, forgetting everything, at the epoch or before). */
    void replay(long fromMillis) {
        pendingReplay.set(fromMillis);
    }

    long recordsRead() {
        return recordsRead;
    }

    /**
     * Stops reading and publishes a last checkpoint; true when the thread stopped. It is not
     * interrupted: an interrupt would close the index's file under a write; it stops within a poll.
     */
    boolean stop() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void run() {
        List<TopicReader> readers = new ArrayList<>();
        decoding = new DecodeAhead(applier::decode, DECODE_AHEAD, "status-view-decode");
        try {
            for (String topic : List.of(Topics.PHOTO_UPLOADED, Topics.PHOTO_EVENTS, DLQ)) {
                List<TopicPartition> partitions = partitions(topic);
                int numbered = partitions.stream().mapToInt(TopicPartition::partition).max().orElse(0) + 1;
                TopicReader reader = new TopicReader(backend.consumer(ConsumerConfig.builder()
                        .maxPollRecords(POLL_RECORDS).build()), numbered);
                readers.add(reader);
                reader.consumer.assign(partitions);
            }
            resume(readers);
            // the view must outlive a bad moment of the backend: it is the only source of status
            ReadLoop.repeat("status view", RETRY, () -> running, () -> {
                readOnce(readers);
                maybeCheckpoint(readers);
            });
            checkpoint(readers);
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("the status view could not start reading the queue", e);
            } else {
                LOG.warn("status view: the last checkpoint failed; the next start reads more of the log: {}",
                        e.toString());
            }
        } finally {
            decoding.close();
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
            applyPolled();
            seek(readers, from);
        }
        TopicReader behind = null;
        for (TopicReader r : readers) {
            if (!r.idle && (behind == null || r.time.at() < behind.time.at())) {
                behind = r;
            }
        }
        if (behind != null) {
            poll(behind, Duration.ZERO);
            if (decoding.full()) {
                applyOldest();
            }
        } else {
            applyPolled(); // everything read is shown before waiting for more
            cache.caughtUp(true); // every topic read to its end: from now on the whole cache is kept
            // one poll waits (an in-house poll wakes at a write to any partition), the others only look
            for (TopicReader r : readers) {
                poll(r, r == readers.get(0) ? IDLE_POLL : Duration.ZERO);
                if (decoding.full()) {
                    applyOldest();
                }
            }
            applyPolled();
        }
        settler.settle(cache, publish);
    }

    /**
     * Polls the topic, notes how far in time it is now read, and hands what it read to the decoding
     * thread. The caller keeps the pipeline below its depth ({@link DecodeAhead#full}).
     */
    private void poll(TopicReader reader, Duration timeout) {
        List<ConsumerRecord> records = reader.consumer.poll(timeout);
        reader.idle = records.isEmpty();
        reader.time.read(records);
        decoding.submit(records);
    }

    /** Applies every batch polled and not yet applied. */
    private void applyPolled() {
        while (!decoding.isEmpty()) {
            applyOldest();
        }
    }

    private void applyOldest() {
        DecodeAhead.Batch batch = decoding.next();
        List<ConsumerRecord> records = batch.records();
        for (int i = 0; i < records.size(); i++) {
            Track track = applier.apply(records.get(i), batch.message(i));
            if (track != null) {
                publish.accept(track);
            }
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
            saved = store.saved();
        } catch (IllegalArgumentException e) {
            LOG.warn("status view: the photo index's checkpoint is unreadable ({}), rebuilding it", e.getMessage());
            saved = Optional.empty();
        }
        if (saved.isEmpty()) {
            store.clear();
            LOG.info("status view: no photo index to continue from, reading the log from its start");
            return;
        }
        ViewCheckpoint checkpoint = saved.get();
        for (TopicReader r : readers) {
            Map<TopicPartition, Long> ends = r.consumer.endOffsets(r.consumer.assignment());
            for (Map.Entry<TopicPartition, Long> p : checkpoint.positions().entrySet()) {
                Long end = ends.get(p.getKey());
                if (r.consumer.assignment().contains(p.getKey()) && p.getValue() > end) {
                    store.clear();
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
        cache.known(checkpoint.known());
        store.restoreReplays(checkpoint.replays());
        for (String id : checkpoint.inMemory()) {
            store.get(id).ifPresent(cache::restore);
        }
        readAtCheckpoint = recordsRead;
        checkpointAt = System.nanoTime();
        LOG.info("status view: continuing from the photo index ({} photos, {} in memory)", cache.known(),
                cache.size());
    }

    private void maybeCheckpoint(List<TopicReader> readers) {
        boolean due = store.pending() + cache.dirty() >= CHECKPOINT_PHOTOS
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
        applyPolled(); // the positions below cover them
        cache.storeChanged();
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicReader r : readers) {
            for (TopicPartition tp : r.consumer.assignment()) {
                positions.put(tp, r.consumer.position(tp));
            }
        }
        store.checkpoint(new ViewCheckpoint(positions, cache.known(), store.replays(), cache.ids()));
        readAtCheckpoint = recordsRead;
        checkpointAt = System.nanoTime();
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
            r.time.reset();
        });
        cache.caughtUp(false);
        if (fromMillis <= 0) {
            cache.clear();
            readers.forEach(r -> r.consumer.seekToBeginning(r.consumer.assignment()));
            LOG.info("status view: rebuilding from the start of the log");
            return;
        }
        // The records from then on are read again, and tell their steps again; stored photos drop
        // theirs when next read (withReplays).
        cache.dropStepsFrom(fromMillis, store.addReplay(fromMillis));
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
}
