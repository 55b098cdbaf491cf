package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetterCause;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
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

import java.time.Instant;

/**
 * What each record of the status view's three topics tells of its photo, applied to the photo's
 * {@link Track}: a job on {@code photo.uploaded} (uploaded, or redriven), an outcome or a delivery
 * on {@code photo.events}, a dead letter on {@code photo.uploaded.dlq}. A record that cannot be
 * read is skipped with a log line. {@link #decode} is thread-safe (the codec is); {@link #apply} is for
 * the reading thread only.
 */
final class RecordApplier {

    private static final Logger LOG = LoggerFactory.getLogger(StatusView.class);

    private final MessageCodec codec = new MessageCodec();
    private final PhotoCache cache;

    RecordApplier(PhotoCache cache) {
        this.cache = cache;
    }

    /**
     * The record's message: its job ({@link PhotoUploaded}, on {@code photo.uploaded} and the dead
     * letter topic) or its event ({@link PhotoEvent}), or null when it cannot be read (skipped with a
     * log line). Touches no photo, so it may run on another thread than {@link #apply}, ahead of it.
     */
    Object decode(ConsumerRecord record) {
        if (Topics.PHOTO_EVENTS.equals(record.topic())) {
            try {
                return codec.decodeEvent(record.value());
            } catch (IllegalArgumentException e) {
                LOG.warn("status view: skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
                return null;
            }
        }
        try {
            return codec.decodeJob(record.value(), record.topic() + "-" + record.partition() + "@" + record.offset());
        } catch (MalformedJobException e) {
            LOG.warn("status view: skipping a malformed job: {}", e.getMessage());
            return null;
        }
    }

    /** Applies the record to its photo's track; returns the track, or null when the record was skipped. */
    Track apply(ConsumerRecord record) {
        return apply(record, decode(record));
    }

    /**
     * Applies the record, whose message {@link #decode} read as {@code message}, to its photo's
     * track; returns the track, or null when the record is skipped (no message, or no photo named).
     */
    Track apply(ConsumerRecord record, Object message) {
        if (message == null) {
            return null;
        }
        return switch (record.topic()) {
            case Topics.PHOTO_UPLOADED -> applyJob(record, (PhotoUploaded) message);
            case Topics.PHOTO_EVENTS -> applyEvent(record, (PhotoEvent) message);
            default -> applyDeadLetter(record, (PhotoUploaded) message);
        };
    }

    private Track applyJob(ConsumerRecord record, PhotoUploaded job) {
        Track t = cache.track(job.photoId(), record.timestamp());
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

    private Track applyEvent(ConsumerRecord record, PhotoEvent event) {
        if (event.photoId() == null) {
            return null;
        }
        Track t = cache.track(event.photoId(), record.timestamp());
        long at = record.timestamp();
        t.updatedAt = Math.max(t.updatedAt, at);
        if (event instanceof PhotoDelivered d) {
            t.delivery(d, at); // an unacked delivery before it waits to be settled (PhotoCache.unsettledEnds)
            return t;
        }
        t.delivered = null; // an outcome or a release: the delivery ended
        // a failure is published only before the worker releases or rejects the job: settled, not crashed
        t.lastReleased = event instanceof PhotoReleased || event instanceof PhotoFailed;
        if (event instanceof PhotoProcessed done) {
            t.processedAt = at;
            t.duplicate = done.duplicate();
            t.attempts = Math.max(t.attempts, done.deliveryCount());
            t.variants.clear();
            done.variants().forEach(v -> t.variants.put(v.name(), StatusView.variantUrl(v)));
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

    private Track applyDeadLetter(ConsumerRecord record, PhotoUploaded job) {
        long at = headerLong(record, DeadLetters.DEAD_LETTERED_AT, record.timestamp());
        Track t = cache.track(job.photoId(), record.timestamp());
        t.deadAt = Math.max(t.deadAt, at);
        t.updatedAt = Math.max(t.updatedAt, at);
        t.attempts = Math.max(t.attempts, (int) headerLong(record, DeadLetters.DELIVERY_COUNT, 0));
        Header error = record.header(DeadLetters.ERROR);
        if (error != null && error.value() != null) {
            t.error = error.valueAsString();
        }
        int deliveries = (int) headerLong(record, DeadLetters.DELIVERY_COUNT, 0);
        Header cause = record.header(DeadLetters.CAUSE);
        if (cause != null && cause.value() != null
                && DeadLetterCause.MAX_DELIVERIES.wireName().equals(cause.valueAsString())) {
            // the last delivery's end is known only now (no next one came): its step, once settled, precedes this one
            t.ranOutOfDeliveries(deliveries, at);
        }
        t.steps.add(JourneyStep.of(at, "dead-lettered", "reason", t.error, "deliveries", deliveries, "offset",
                record.offset()));
        return t;
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
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
}
