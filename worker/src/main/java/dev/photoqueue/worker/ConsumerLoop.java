package dev.photoqueue.worker;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerFencedException;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.TopicPartition;
import dev.photoqueue.queue.api.TransactionalProducer;
import dev.photoqueue.worker.job.MalformedJobException;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoDelivered;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoJobException;
import dev.photoqueue.worker.job.PhotoProcessed;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One worker: a member of the group {@value Topics#THUMBNAILERS} that polls {@code photo.uploaded}
 * and settles every job it takes. Before it starts a job it announces the delivery
 * ({@link PhotoDelivered}, outside any transaction, not waited for), so that a photo's history is
 * in the log. Its {@link Delivery} decides the commit point of a done job:
 *
 * <ul>
 * <li>at-least-once: the outcome event is written to {@code photo.events} before the job is
 *     acked, so a crash in between repeats the job (and the event says duplicate) but never loses
 *     it;</li>
 * <li>exactly-once: the outcome event and the job's ack are committed in one transaction
 *     (consume-transform-produce), so a crash in between leaves neither: the job comes again and
 *     its outcome is read once;</li>
 * <li>at-most-once: the job was committed when it was handed out; a crash loses it.</li>
 * </ul>
 *
 * <p>Failures are settled the same way under every guarantee (a failure event first, then the
 * settlement outside any transaction); a repeated {@link PhotoFailed} only says again that the
 * photo failed:
 *
 * <ul>
 * <li>done: {@link PhotoProcessed}, then ACCEPT;</li>
 * <li>permanent failure (including a malformed message): {@link PhotoFailed}, then REJECT, which
 *     dead-letters the job at once;</li>
 * <li>transient failure: RELEASE, so the queue delivers it again after a backoff; on the last
 *     allowed delivery {@link PhotoFailed} first, since the queue will dead-letter it next.</li>
 * </ul>
 *
 * <p>({@link JobSettler} writes those events and settles.) An {@link Error}, such as an
 * {@link OutOfMemoryError}, is not a failure of a job: it ends the loop, its member leaves the
 * group with the job unsettled (so it is delivered again), and the pool replaces the worker.
 *
 * <p>Priority: the image work runs on a {@link JobThread} at the worker's nice value, or at normal
 * priority when the worker runs beside an upload API ({@link ForegroundActivity}) and no upload
 * arrived after the job was appended: an idle app's photo is then done as fast as a sync upload's.
 *
 * <p>Liveness: the image work runs on a {@link JobThread}, while this
 * loop's thread keeps normal priority and keeps the member in its group during a long job (for up
 * to {@link #MAX_KEEP_ALIVE}). So a job slowed down past the session timeout (nice 19 on a busy
 * machine, a JVM just started) is not mistaken for a crash and delivered again to another worker;
 * a worker whose thread really dies is still noticed after the session timeout. Only the in-house
 * backend counts the keep-alive ({@link GroupConsumer#commitSync}, a call like any other) as a
 * heartbeat; on Kafka a member must poll within the session timeout.
 *
 * <p>Runs on one thread (its consumer is single-threaded); {@link #requestStop} may be called from
 * any thread: the worker polls no more, finishes the jobs its last poll handed it (one, with
 * {@code max.poll.records=1}), and the member leaves the group. What counts as a delivery is a
 * hand-off to a worker that can process the job: the group counts a job when a poll returns it,
 * so a worker never drops a job it was handed (dropped, the hand-out would spend one of the job's
 * {@code max.deliveries} unannounced, and stops enough dead-letter a good photo). Only a crash, a
 * stop past its grace period (which interrupts the job), or a stop for a switch of delivery
 * guarantee ({@link #leaveUnstartedJobsOnStop}) leaves a counted delivery unsettled.
 */
final class ConsumerLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    /** How long a job may run with its worker kept in the group: Kafka's default {@code max.poll.interval.ms}. */
    static final Duration MAX_KEEP_ALIVE = Duration.ofMinutes(5);

    private final String workerId;
    private final GroupConsumer consumer;
    /**
     * What the next job is processed with: the pool's current version, so that a job handed to a
     * worker retiring for a new version, after the switch, is processed with the new one.
     */
    private final Supplier<PhotoProcessor> processor;
    private final MessageCodec codec;
    private final WorkerConfig config;
    private final Chaos chaos;
    private final Delivery delivery;
    /** Exactly-once only: commits each done job's outcome with its ack; this loop's thread uses it. */
    private final TransactionalProducer transactions;
    private final PhotoEventListener published;
    /** Writes this worker's events and settles its jobs outside transactions. */
    private final JobSettler settler;
    /** Uploads arriving beside this worker, or null (all jobs yield the cores: the worker's nice value). */
    private final ForegroundActivity foreground;
    private volatile boolean stopRequested;
    private volatile boolean crashed;
    /** Whether the blob store's disk has room for the next job's variants. */
    private final DiskRoom room;
    /** Set by {@link #leaveUnstartedJobsOnStop}. */
    private volatile boolean leaveUnstarted;
    /** Set when a newer worker took this one's transactional id: it can commit nothing more. Loop thread only. */
    private boolean producerFenced;
    /** Runs the image work; created by {@link #run}, used by its thread only. */
    private JobThread jobs;

    /**
     * A worker that consumes with {@code delivery}; {@code transactions} is its transactional
     * producer under exactly-once (null otherwise). The loop closes {@code consumer} and
     * {@code transactions} when it stops, and leaves both as they are when it crashes: the pool
     * fences and closes a crashed worker's producer when it replaces the worker.
     */
    ConsumerLoop(String workerId, GroupConsumer consumer, Producer producer, PhotoProcessor processor,
                 MessageCodec codec, WorkerConfig config, Chaos chaos, Delivery delivery,
                 TransactionalProducer transactions) {
        this(workerId, consumer, producer, processor, codec, config, chaos, delivery, transactions,
                PhotoEventListener.NONE);
    }

    /** As above, telling {@code published} of each event this worker wrote. */
    ConsumerLoop(String workerId, GroupConsumer consumer, Producer producer, PhotoProcessor processor,
                 MessageCodec codec, WorkerConfig config, Chaos chaos, Delivery delivery,
                 TransactionalProducer transactions, PhotoEventListener published) {
        this(workerId, consumer, producer, () -> processor, codec, config, chaos, delivery, transactions, published,
                null);
    }

    /**
     * As above, each job processed with what {@code processor} gives when the job starts (it must not
     * block); with a {@code foreground} (null: none), a job runs at normal priority unless an
     * upload arrived after the job was appended, and at the worker's nice value otherwise.
     */
    ConsumerLoop(String workerId, GroupConsumer consumer, Producer producer, Supplier<PhotoProcessor> processor,
                 MessageCodec codec, WorkerConfig config, Chaos chaos, Delivery delivery,
                 TransactionalProducer transactions, PhotoEventListener published, ForegroundActivity foreground) {
        if (delivery.transactional() != (transactions != null)) {
            throw new IllegalArgumentException("delivery " + delivery.wireName() + " with"
                    + (transactions == null ? "out" : "") + " a transactional producer");
        }
        this.delivery = delivery;
        this.transactions = transactions;
        this.workerId = workerId;
        this.consumer = consumer;
        this.processor = processor;
        this.codec = codec;
        this.config = config;
        this.chaos = chaos;
        this.published = published;
        this.foreground = foreground;
        this.room = new DiskRoom(workerId, processor, config.pollTimeout());
        this.settler = new JobSettler(workerId, consumer, producer, codec, config.maxDeliveries(), published);
    }

    String workerId() {
        return workerId;
    }

    void requestStop() {
        stopRequested = true;
    }

    /**
     * Makes the next stop leave the jobs its last poll handed out and not yet started, instead of
     * finishing them: for a switch of delivery guarantee, whose jobs must not run under the old one
     * (an at-most-once job must not be redelivered by an at-least-once worker). Each such job comes
     * again to the next member, its delivery spent. Not for an at-most-once worker: its jobs were
     * done when handed out and come to no one again, so left they would be lost without a trace;
     * it runs them, under the guarantee they were delivered with.
     */
    void leaveUnstartedJobsOnStop() {
        leaveUnstarted = delivery != Delivery.AT_MOST_ONCE;
    }

    /** True once the loop ended by a chaos crash: its member was left silent, its transaction open. */
    boolean crashed() {
        return crashed;
    }

    /** True while the worker takes no job because the blob store's disk is too full for its variants. */
    boolean waitingForRoom() {
        return room.waiting();
    }

    /** This worker's member of the group. */
    GroupConsumer consumer() {
        return consumer;
    }

    /** The transactional producer of an exactly-once worker, else null. */
    TransactionalProducer transactions() {
        return transactions;
    }

    @Override
    public void run() {
        LOG.info("worker {} joining group {} ({})", workerId, consumer.groupId(), delivery.wireName());
        Duration keepAliveEvery = Duration.ofMillis(Math.max(1, config.sessionTimeoutMs() / 3));
        jobs = new JobThread(Thread.currentThread().getName() + "-job", config.nice(), keepAliveEvery, MAX_KEEP_ALIVE,
                this::keepAlive);
        Runnable yieldToUpload = jobs::yieldNow;
        if (foreground != null) {
            foreground.whenStarted(yieldToUpload);
        }
        try {
            consumer.subscribe(List.of(Topics.PHOTO_UPLOADED));
            while (!stopRequested && !Thread.currentThread().isInterrupted()) {
                if (!room.forAJob()) {
                    continue;
                }
                List<ConsumerRecord> batch;
                try {
                    batch = consumer.poll(config.pollTimeout());
                } catch (BackendUnavailableException e) {
                    // The broker is away: what this poll had fetched comes again. The queue's
                    // clients reconnect with backoff, and such a poll fails only after waiting
                    // out its request timeout, so this line cannot flood.
                    LOG.warn("worker {}: the queue backend did not answer a poll, polling on: {}", workerId,
                            e.getMessage());
                    continue;
                } catch (FencedMemberException e) {
                    // The group gave this member's work to others (it was silent past its session
                    // timeout, a long pause); the next poll rejoins and gets a fresh assignment.
                    LOG.warn("worker {}: fenced by the group, rejoining: {}", workerId, e.getMessage());
                    continue;
                }
                Set<TopicPartition> released = new HashSet<>();
                // Every job of the batch, also once a stop is requested: each was counted as delivered.
                for (ConsumerRecord record : batch) {
                    if (Thread.currentThread().isInterrupted() || producerFenced
                            || (stopRequested && leaveUnstarted)) {
                        // stopped past its grace period, taken for dead, or stopped for a new
                        // guarantee: not settled, delivered again to another member once this one has left
                        break;
                    }
                    if (!released.contains(record.topicPartition()) && !handle(record)) {
                        // ORDERED mode moved the partition back to the released record: the rest comes again
                        released.add(record.topicPartition());
                    }
                }
            }
        } catch (Chaos.WorkerCrash e) {
            // A crash says nothing to the group: the member goes silent, its session expires, and
            // the job in hand is delivered again to another member (or, at-most-once, lost). An
            // exactly-once worker's open transaction stays open until its replacement fences it.
            crashed = true;
            throw e;
        } finally {
            if (foreground != null) {
                foreground.remove(yieldToUpload);
            }
            jobs.close();
            if (!crashed) {
                if (transactions != null) {
                    WorkerPool.closeQuietly(transactions);
                }
                consumer.close();
                LOG.info("worker {} left group {}", workerId, consumer.groupId());
            }
        }
    }

    /**
     * Tells the group this member is alive while its job runs long. Best effort: a failure is
     * logged and the job goes on; if the member is then removed, its ack is fenced and the job
     * comes again.
     */
    private void keepAlive() {
        try {
            consumer.commitSync();
        } catch (QueueException e) {
            LOG.warn("worker {}: could not tell group {} it is alive during a long job: {}", workerId,
                    consumer.groupId(), e.toString());
        }
    }

    /**
     * Processes and settles one job; false when it was released. An {@link Error} (an
     * {@link OutOfMemoryError} above all) is no failure of the photo and is not caught: it leaves
     * the JVM in a state nobody knows, so it ends the loop with the job unsettled.
     */
    private boolean handle(ConsumerRecord record) {
        String source = record.topic() + "-" + record.partition() + "@" + record.offset();
        PhotoUploaded job;
        try {
            job = codec.decodeJob(record.value(), source);
        } catch (MalformedJobException e) {
            return settler.fail(record, e.photoId() != null ? e.photoId() : record.keyAsString(), e);
        }
        announce(job.photoId(), record);
        Chaos.Strike strike = chaos.decide(workerId, job);
        try {
            PhotoProcessor.Result result;
            PhotoProcessor current = processor.get();
            try {
                // an idle app's one photo gets the cores; behind newer uploads, it yields them
                boolean yieldCores = foreground == null || foreground.startedSince(record.timestamp());
                result = jobs.run("photo " + job.photoId() + " (" + source + ")", yieldCores,
                        () -> current.process(job));
            } catch (InterruptedException e) {
                // Stopped past its grace period: the job is not settled and comes again, once this member has left.
                Thread.currentThread().interrupt();
                requestStop();
                return true;
            }
            strike.at(Chaos.Point.MID_PHOTO);
            PhotoProcessed event = new PhotoProcessed(job.photoId(), result.variants(), result.timings(), workerId,
                    record.deliveryCount(), result.duplicate(), job.userId());
            if (transactions != null) {
                return commitInTransaction(record, event, strike);
            }
            settler.publish(job.photoId(), event);
            // The worst moment to die: the outcome is out, the job not acked. It comes again, and the
            // event goes out twice: consumers of photo.events must be idempotent.
            strike.at(Chaos.Point.AFTER_PUBLISH);
            return settler.settle(record, AckType.ACCEPT, null);
        } catch (PhotoJobException e) {
            return settler.fail(record, job.photoId(), e);
        } catch (EventNotPublishedException e) {
            return settler.release(record, job.photoId(), "publishing the outcome", e);
        } catch (QueueException e) {
            // the ack of a done job was refused (the backend away): it comes again, and is found done
            return settler.release(record, job.photoId(), "acknowledging the job", e);
        } catch (RuntimeException e) {
            LOG.error("worker {}: unexpected error on photo {} ({})", workerId, job.photoId(), source, e);
            return settler.fail(record, job.photoId(), new UnexpectedJobException(job.photoId(), e));
        }
    }

    /**
     * Exactly-once: publishes {@code event} and acks {@code record} in one transaction. False when
     * the rest of the record's partition in this batch must be skipped (the job is released, or
     * its partition went to another member).
     */
    private boolean commitInTransaction(ConsumerRecord record, PhotoProcessed event, Chaos.Strike strike) {
        byte[] key = event.photoId().getBytes(StandardCharsets.UTF_8);
        try {
            transactions.beginTransaction();
            transactions.send(ProducerRecord.of(Topics.PHOTO_EVENTS, key, codec.encode(event)));
            // Dying here leaves the transaction open: its event is never read, the job comes again.
            strike.at(Chaos.Point.AFTER_PUBLISH);
            transactions.ackInTransaction(consumer, record);
            transactions.commitTransaction();
            published.published(event);
            return true;
        } catch (FencedMemberException e) {
            // the commit was refused and aborted: the job is delivered again, here or to another member
            LOG.info("worker {}: the transaction of photo {} was aborted, its job is delivered again: {}",
                    workerId, event.photoId(), e.getMessage());
            return false;
        } catch (ProducerFencedException e) {
            // Another worker took this worker's transactional id: this one was taken for dead.
            LOG.warn("worker {}: fenced by a newer worker with transactional id {}, stopping: {}", workerId,
                    transactions.transactionalId(), e.getMessage());
            producerFenced = true;
            requestStop();
            return false;
        } catch (QueueException e) {
            abortQuietly(event.photoId());
            return settler.release(record, event.photoId(), "committing the outcome", e);
        }
    }

    private void abortQuietly(String photoId) {
        try {
            transactions.abortTransaction();
        } catch (RuntimeException e) {
            LOG.debug("worker {}: aborting the transaction of photo {} failed: {}", workerId, photoId, e.toString());
        }
    }

    /**
     * Publishes that this worker took the job, without waiting: the delivery is the group's, this
     * record only tells it. A failed send costs a line in the photo's history, nothing else.
     */
    private void announce(String photoId, ConsumerRecord record) {
        settler.tell(new PhotoDelivered(photoId, record.deliveryCount(), consumer.memberId(), workerId,
                delivery.wireName()));
    }
}
