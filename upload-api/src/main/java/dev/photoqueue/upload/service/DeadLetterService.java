package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.Admin;
import dev.photoqueue.queue.api.BytesPreview;
import dev.photoqueue.queue.api.ConsumerRecord;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.UnknownTopicException;
import dev.photoqueue.worker.job.MalformedJobException;
import dev.photoqueue.worker.job.MessageCodec;
import dev.photoqueue.worker.job.Topics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead-lettered photo jobs and their redrive: a redriven job goes back to its original
 * partition of {@code photo.uploaded} with a fresh delivery count. Thread-safe.
 */
public final class DeadLetterService {

    /** Redrive-all pace: fast enough for the demo, slow enough not to swamp the workers at once. */
    static final double REDRIVE_PER_SECOND = 200;
    private static final String DLQ = DeadLetters.topicFor(Topics.PHOTO_UPLOADED);

    private final Admin admin;
    private final MessageCodec codec = new MessageCodec();

    public DeadLetterService(Admin admin) {
        this.admin = admin;
    }

    /** The dead letters not yet redriven, oldest first. */
    public List<DeadLetter> list() {
        try {
            return admin.deadLetters(DLQ).stream().map(this::toDeadLetter).toList();
        } catch (UnknownTopicException e) {
            return List.of();
        }
    }

    /** Redrives one; false when there is no such dead letter or it was redriven already. */
    public boolean redrive(long id) {
        return admin.redrive(DLQ, id);
    }

    /** Redrives every dead letter; returns how many. */
    public long redriveAll() {
        return admin.redriveAll(DLQ, r -> true, REDRIVE_PER_SECOND);
    }

    private DeadLetter toDeadLetter(ConsumerRecord r) {
        String photoId;
        try {
            photoId = codec.decodeJob(r.value(), DLQ + "@" + r.offset()).photoId();
        } catch (MalformedJobException e) {
            photoId = e.photoId() != null ? e.photoId() : r.keyAsString();
        }
        List<DeadLetter.HeaderValue> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(new DeadLetter.HeaderValue(h.key(), summary(h.value())));
        }
        return new DeadLetter(r.offset(), photoId, text(r, DeadLetters.ERROR),
                (int) number(r, DeadLetters.DELIVERY_COUNT, 0), (int) number(r, DeadLetters.PARTITION, -1),
                number(r, DeadLetters.OFFSET, -1),
                Instant.ofEpochMilli(number(r, DeadLetters.DEAD_LETTERED_AT, r.timestamp())), r.offset(),
                text(r, DeadLetters.TOPIC), summary(r.key()), headers,
                r.value() == null ? null : DeadLetter.ValuePreview.of(BytesPreview.of(r.value())));
    }

    private static String summary(byte[] bytes) {
        return bytes == null ? null : BytesPreview.of(bytes).summary();
    }

    private static String text(ConsumerRecord r, String key) {
        Header h = r.header(key);
        return h == null ? null : h.valueAsString();
    }

    private static long number(ConsumerRecord r, String key, long fallback) {
        String s = text(r, key);
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
