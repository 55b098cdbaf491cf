package dev.photoqueue.upload.service;

import java.time.Instant;

/**
 * A job the workers gave up on, as it lies in {@code photo.uploaded.dlq}.
 *
 * @param id                its offset in the dead-letter topic: what redrive takes
 * @param reason            the last error given with it, or null
 * @param originalPartition where it was on {@code photo.uploaded}
 * @param originalOffset    and at which offset
 */
public record DeadLetter(long id, String photoId, String reason, int deliveryCount, int originalPartition,
                         long originalOffset, Instant deadLetteredAt) {
}
