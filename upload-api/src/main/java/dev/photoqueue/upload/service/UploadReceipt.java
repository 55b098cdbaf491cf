package dev.photoqueue.upload.service;

import java.util.Map;

/**
 * What an accepted upload answers. For an async upload the job is on the queue at
 * {@code partition}/{@code offset} (durably, as the queue acknowledged it); a sync upload has
 * partition and offset -1 and its variants.
 *
 * @param replayed true when an earlier upload with the same idempotency key is answered again
 */
public record UploadReceipt(String id, PhotoStatus status, int partition, long offset, Map<String, String> variants,
                            boolean replayed) {

    public UploadReceipt {
        variants = Map.copyOf(variants);
    }
}
