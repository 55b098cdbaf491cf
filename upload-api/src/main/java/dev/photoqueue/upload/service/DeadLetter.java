package dev.photoqueue.upload.service;

import dev.photoqueue.queue.api.BytesPreview;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A job the workers gave up on, as it lies in {@code photo.uploaded.dlq}: where it came from, why,
 * and the record itself (key, headers, value) shown as {@link BytesPreview} shows bytes, as
 * {@code pq dlq list} does.
 *
 * @param id                its offset in the dead-letter topic: what redrive takes
 * @param reason            the last error given with it ({@code pq.dlq.error}), or null
 * @param originalPartition where it was on {@code photo.uploaded}
 * @param originalOffset    and at which offset
 * @param offset            its offset in the dead-letter topic, {@code id} by the queue's name
 * @param originalTopic     the topic it came from
 * @param key               the record's key, its {@link BytesPreview#summary}, or null when it has none
 * @param headers           every header of the dead letter in order, the {@code pq.dlq.*} ones too
 * @param value             a preview of the record's value, or null when it has none
 */
public record DeadLetter(long id, String photoId, String reason, int deliveryCount, int originalPartition,
                         long originalOffset, Instant deadLetteredAt, long offset, String originalTopic, String key,
                         List<HeaderValue> headers, ValuePreview value) {

    /** A header: its key and its value's {@link BytesPreview#summary}, or null when it has none. */
    public record HeaderValue(String key, String value) {
    }

    /**
     * {@link BytesPreview} for JSON: {@code kind} "text" or "binary", {@code size} in bytes, then
     * {@code text} (text) or {@code hex} (binary's first bytes), cut short when {@code truncated};
     * {@code summary} is the preview on one line as the page shows it.
     */
    public record ValuePreview(String kind, int size, String text, String hex, boolean truncated, String summary) {

        static ValuePreview of(BytesPreview preview) {
            return new ValuePreview(preview.kind().name().toLowerCase(Locale.ROOT), preview.size(), preview.text(),
                    preview.hex(), preview.truncated(), preview.summary());
        }
    }
}
