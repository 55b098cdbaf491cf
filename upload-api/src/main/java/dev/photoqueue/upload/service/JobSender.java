package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.BackendHealth;
import dev.photoqueue.queue.api.BackendUnavailableException;
import dev.photoqueue.queue.api.BacklogFullException;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.api.StorageException;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.PhotoUploaded;
import dev.photoqueue.worker.job.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts an accepted upload's job on {@code photo.uploaded} for {@link PhotoService}: refuses at once
 * while the backend or the job's partition cannot take it, keys the job as the settings say, and
 * turns every way a send can end into the upload's answer. A send that may still be written is
 * {@code OUTCOME_UNKNOWN}, never a plain refusal, so that the caller keeps the original.
 *
 * <p>Thread-safe: it holds no state of its own beyond what it is given.
 */
final class JobSender {

    /** Logged under the service's name, where an operator looks for an upload's fate. */
    private static final Logger LOG = LoggerFactory.getLogger(PhotoService.class);

    private final Producer producer;
    private final QueueService queue;
    private final SettingsService settings;
    private final ClusterMonitor cluster;
    private final Duration sendWait;
    private final MessageCodec codec = new MessageCodec();

    /** @param sendWait how long {@link #send} waits for the queue's acknowledgement */
    JobSender(Producer producer, QueueService queue, SettingsService settings, ClusterMonitor cluster,
              Duration sendWait) {
        this.producer = producer;
        this.queue = queue;
        this.settings = settings;
        this.cluster = cluster;
        this.sendWait = sendWait;
    }

    /**
     * Refuses at once while the backend knows itself down: a send would wait out its whole timeout
     * (30 s on Kafka) on the request thread, and a burst of uploads during an outage would hold
     * every thread of the server, the dashboard's too.
     */
    void requireQueueUp() {
        BackendHealth health = queue.health();
        if (!health.up()) {
            throw new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE, "the queue backend "
                    + "is down since " + health.since() + ": " + health.detail(), PhotoService.RETRY_AFTER_SECONDS, null);
        }
    }

    /**
     * Refuses at once when the cluster, as last described, cannot acknowledge the job of photo
     * {@code id} under the partition key the settings pick: the send could only wait out its timeout.
     */
    void requireWritable(String id, String user, String city) {
        Optional<String> why = cluster.whyNotWritable(partitionKey(id, user, city));
        if (why.isPresent()) {
            throw new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE, "the queue cannot "
                    + "acknowledge the job of photo " + id + " now: " + why.get() + " (as seen at "
                    + cluster.current().at() + ")", PhotoService.RETRY_AFTER_SECONDS, null);
        }
    }

    private String partitionKey(String photoId, String user, String city) {
        return switch (settings.current().partitionKey()) {
            case PHOTO_ID -> photoId;
            case USER_ID -> user != null ? user : photoId;
            case CITY -> city != null ? city : photoId;
        };
    }

    /**
     * Sends the job and waits for the queue's acknowledgement; the send holds {@code place} until it
     * completes, either way, even if this thread stopped waiting for it first.
     */
    RecordMetadata send(PhotoUploaded job, BacklogAdmission.Place place) {
        String key = partitionKey(job.photoId(), job.userId(), job.city());
        ProducerRecord record = ProducerRecord.of(Topics.PHOTO_UPLOADED, key.getBytes(StandardCharsets.UTF_8),
                codec.encode(job));
        CompletableFuture<RecordMetadata> sent = producer.trySend(record);
        place.heldUntil(sent);
        try {
            return sent.get(sendWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unknown(job, "interrupted while waiting for the queue's acknowledgement", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BacklogFullException full) {
                throw new UploadRejectedException(UploadRejectedException.Reason.BACKLOG_FULL, full.getMessage(),
                        PhotoService.RETRY_AFTER_SECONDS, full);
            }
            if (e.getCause() instanceof BackendUnavailableException b && b.outcomeUnknown()) {
                throw unknown(job, b.getMessage(), b);
            }
            throw new UploadRejectedException(UploadRejectedException.Reason.QUEUE_UNAVAILABLE, "the queue did not "
                    + "take the job of photo " + job.photoId() + ": " + StorageException.reason(e.getCause()) + why(),
                    PhotoService.RETRY_AFTER_SECONDS, e.getCause());
        } catch (TimeoutException e) {
            throw unknown(job, "no acknowledgement within " + sendWait.toMillis() + " ms", e);
        }
    }

    /** A send that failed but may be written yet: the original stays, and the answer says what to do. */
    private UploadRejectedException unknown(PhotoUploaded job, String what, Throwable cause) {
        LOG.warn("photo {}: the queue's answer to its job is unknown ({}); its original is kept", job.photoId(), what);
        return new UploadRejectedException(UploadRejectedException.Reason.OUTCOME_UNKNOWN, "the queue did not "
                + "confirm the job of photo " + job.photoId() + " (" + what + ")" + why() + ". It may still be "
                + "written: the original is kept, GET /api/photos/" + job.photoId() + " shows the photo if it was, "
                + "and a retry with the same Idempotency-Key returns this photo instead of making a second",
                PhotoService.RETRY_AFTER_SECONDS, cause, job.photoId());
    }

    /** The cluster's problems as last described, for an error message; empty when none are known. */
    private String why() {
        String problems = cluster.problemsSummary();
        return problems.isEmpty() ? "" : "; " + problems;
    }
}
