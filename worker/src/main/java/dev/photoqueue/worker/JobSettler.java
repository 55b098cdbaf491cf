package dev.photoqueue.worker;

import dev.photoqueue.queue.api.AckType;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.FencedMemberException;
import dev.photoqueue.queue.api.GroupConsumer;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueException;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoEvent;
import dev.photoqueue.worker.job.PhotoFailed;
import dev.photoqueue.worker.job.PhotoJobException;
import dev.photoqueue.worker.job.PhotoReleased;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One worker's writes about its jobs, outside any transaction: the events of a photo's history on
 * {@value Topics#PHOTO_EVENTS}, and the settlement of each job with the group, which decides
 * between retry and dead letter. An outcome event is written before the job is settled, so a
 * crash in between repeats the job but never loses its outcome:
 *
 * <ul>
 * <li>permanent failure: {@link PhotoFailed}, then REJECT (the queue dead-letters the job);</li>
 * <li>transient failure: RELEASE (delivered again after a backoff), with {@link PhotoFailed} first
 *     on the last allowed delivery, since the queue dead-letters the job next;</li>
 * <li>an outcome event that could not be written: RELEASE, so it is written on a later delivery.</li>
 * </ul>
 *
 * <p>Used by its worker's loop thread only, as its consumer is.
 */
final class JobSettler {

    private static final Logger LOG = LoggerFactory.getLogger(JobSettler.class);
    private static final long EVENT_SEND_TIMEOUT_SECONDS = 30;

    private final String workerId;
    private final GroupConsumer consumer;
    private final Producer producer;
    private final MessageCodec codec;
    private final int maxDeliveries;
    private final PhotoEventListener published;

    JobSettler(String workerId, GroupConsumer consumer, Producer producer, MessageCodec codec, int maxDeliveries,
               PhotoEventListener published) {
        this.workerId = workerId;
        this.consumer = consumer;
        this.producer = producer;
        this.codec = codec;
        this.maxDeliveries = maxDeliveries;
        this.published = published;
    }

    /** Publishes a record of the photo's history without waiting; a failed send is logged and forgotten. */
    void tell(PhotoEvent event) {
        if (event.photoId() == null) {
            return;
        }
        try {
            producer.send(ProducerRecord.of(Topics.PHOTO_EVENTS, event.photoId().getBytes(StandardCharsets.UTF_8),
                    codec.encode(event))).whenComplete((metadata, error) -> {
                        if (error != null) {
                            LOG.debug("worker {}: {} was not recorded: {}", workerId, event, error.toString());
                        } else {
                            published.published(event);
                        }
                    });
        } catch (QueueException e) {
            LOG.debug("worker {}: {} was not recorded: {}", workerId, event, e.toString());
        }
    }

    /** Sends an outcome event and waits until the queue has it; {@link EventNotPublishedException} otherwise. */
    void publish(String photoId, PhotoEvent event) {
        byte[] key = photoId == null ? null : photoId.getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(ProducerRecord.of(Topics.PHOTO_EVENTS, key, codec.encode(event)))
                    .get(EVENT_SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            published.published(event);
        } catch (QueueException e) {
            throw new EventNotPublishedException(photoId, "the send was refused: " + StorageException.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventNotPublishedException(photoId, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            throw new EventNotPublishedException(photoId, StorageException.reason(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new EventNotPublishedException(photoId, "no acknowledgement within " + EVENT_SEND_TIMEOUT_SECONDS
                    + " s", e);
        }
    }

    /** Settles a failed job: dead letter or retry, as the list above says; false when it was released. */
    boolean fail(ConsumerRecord record, String photoId, PhotoJobException e) {
        int attempts = record.deliveryCount();
        boolean last = e.permanent() || attempts >= maxDeliveries;
        try {
            if (last) {
                publish(photoId, new PhotoFailed(photoId, e.getMessage(), attempts, e.permanent(), workerId));
            }
        } catch (EventNotPublishedException publishError) {
            LOG.warn("worker {}: publishing the failure of photo {} failed, releasing it: {}", workerId, photoId,
                    publishError.toString());
            return settle(record, AckType.RELEASE, e.getMessage());
        }
        if (e.permanent()) {
            LOG.info("worker {}: photo {} rejected to the dead-letter topic: {}", workerId, photoId, e.getMessage());
            settle(record, AckType.REJECT, e.getMessage());
            return true;
        }
        LOG.info("worker {}: photo {} failed on delivery {} of {}, releasing it: {}", workerId, photoId, attempts,
                maxDeliveries, e.getMessage());
        if (!last) {
            tell(new PhotoReleased(photoId, attempts, workerId, e.getMessage()));
        }
        return settle(record, AckType.RELEASE, e.getMessage());
    }

    /**
     * Releases a job whose outcome could not be written or committed ({@code what} says which), with
     * a {@link PhotoReleased} in its history; false, as the job was released.
     */
    boolean release(ConsumerRecord record, String photoId, String what, Exception e) {
        LOG.warn("worker {}: {} of photo {} failed, releasing {}@{}: {}", workerId, what, photoId,
                record.topicPartition(), record.offset(), e.toString());
        String why = what + " failed: " + StorageException.reason(e);
        tell(new PhotoReleased(photoId, record.deliveryCount(), workerId, why));
        return settle(record, AckType.RELEASE, why);
    }

    /**
     * Settles the record; a fenced member's settlement is void (the job is delivered again).
     * True unless it was released.
     */
    boolean settle(ConsumerRecord record, AckType type, String error) {
        try {
            consumer.acknowledge(record, type, error);
        } catch (FencedMemberException e) {
            LOG.info("worker {}: {} of {}@{} came too late, the job is delivered again: {}", workerId, type,
                    record.topicPartition(), record.offset(), e.getMessage());
        }
        return type != AckType.RELEASE;
    }
}
