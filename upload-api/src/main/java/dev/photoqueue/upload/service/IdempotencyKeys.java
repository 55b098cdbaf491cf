package dev.photoqueue.upload.service;

import dev.photoqueue.worker.blob.BlobNotFoundException;
import dev.photoqueue.worker.blob.BlobStore;
import dev.photoqueue.worker.blob.DigestMismatchException;
import dev.photoqueue.worker.blob.SourceTooLargeException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Idempotency-Key rules of uploads (after the IETF draft "The Idempotency-Key HTTP Header
 * Field"). A key names one upload: the photo id is derived from it, and the upload's fingerprint
 * is the SHA-256 of its file's bytes.
 *
 * <ul>
 * <li>One upload per key at a time: {@link #claim} adds the key to a concurrent set, so of two
 *     uploads with one key exactly one gets it; the other is refused
 *     ({@link UploadRejectedException.Reason#IDEMPOTENCY_KEY_IN_USE}) until the claim is closed.</li>
 * <li>A repeat with the same bytes is answered with the first upload's photo
 *     ({@link #repeat}); with other bytes it is refused
 *     ({@link UploadRejectedException.Reason#IDEMPOTENCY_KEY_REUSED}).</li>
 * <li>The first upload of a key is found in memory (the last keys, as many as the status view keeps
 *     finished photos: {@link StatusView#cacheSize}), else in the status view, in memory or in its
 *     photo index on disk, which is a cache of the log; the first's fingerprint is then the
 *     digest its job record carries (async uploads), else the digest of its stored original
 *     (sync uploads, whose records are their outcomes only). Both are on disk, so a restart on the
 *     same data directory changes no answer.</li>
 * <li>A key the view does not know yet whose photo already has an original in the blob store (an
 *     upload that stored it but whose job's fate is unknown, or whose job the view has not read
 *     yet) may only be used with those same bytes ({@link #requireNoOtherOriginal}): other bytes
 *     would replace the original a written job names.</li>
 * </ul>
 *
 * <p>The claim holds within this process only. Thread-safe.
 */
final class IdempotencyKeys {

    /** Seconds a refused concurrent upload is told to wait before its retry. */
    static final int IN_USE_RETRY_AFTER_SECONDS = 1;

    private final StatusView view;
    private final BlobStore blobs;
    private final long maxUploadBytes;
    /** Keys remembered in memory; older ones are found through the status view. */
    private final int memory;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, First> recent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, First> eldest) {
            return size() > memory;
        }
    };

    IdempotencyKeys(StatusView view, BlobStore blobs, long maxUploadBytes) {
        this.view = view;
        this.memory = view.cacheSize();
        this.blobs = blobs;
        this.maxUploadBytes = maxUploadBytes;
    }

    /**
     * The first upload with a key: its answer, and the SHA-256 of its bytes (null when only the
     * stored original can tell).
     */
    record First(UploadReceipt receipt, String sha256) {
    }

    /**
     * Holds {@code rawKey} (trimmed; blank or null: no key, nothing held) for one upload;
     * {@link UploadRejectedException} IDEMPOTENCY_KEY_IN_USE while another upload holds it.
     */
    IdempotencyClaim claim(String rawKey) {
        String key = UploadRequest.blankToNull(rawKey);
        if (key != null && !inFlight.add(key)) {
            throw new UploadRejectedException(UploadRejectedException.Reason.IDEMPOTENCY_KEY_IN_USE, "an upload with "
                    + "Idempotency-Key '" + key + "' (photo " + PhotoService.photoId(key) + ") is still in progress: its "
                    + "own answer tells how it ended; retry once it has", IN_USE_RETRY_AFTER_SECONDS, null);
        }
        return new IdempotencyClaim(key, inFlight);
    }

    /** The first upload with {@code key}, whose photo is {@code photoId}; empty for a key not used before. */
    Optional<First> first(String key, String photoId) {
        if (key == null) {
            return Optional.empty();
        }
        synchronized (recent) {
            First remembered = recent.get(key);
            if (remembered != null) {
                return Optional.of(remembered);
            }
        }
        return view.get(photoId).map(p -> new First(new UploadReceipt(p.id(), p.status(), p.partition(),
                p.offset(), p.variants(), false), view.sourceDigest(photoId).orElse(null)));
    }

    /**
     * The answer to a repeat of {@code first} whose bytes have {@code sha256}: the first upload's
     * receipt, marked replayed, with the photo's status and variants now; {@link UploadRejectedException}
     * IDEMPOTENCY_KEY_REUSED when the bytes differ or cannot be compared.
     */
    UploadReceipt repeat(String key, First first, String sha256) {
        String photoId = first.receipt().id();
        if (first.sha256() != null) {
            if (!first.sha256().equals(sha256)) {
                throw reused(key, photoId, "SHA-256 " + first.sha256(), sha256);
            }
        } else {
            requireNoOtherOriginal(key, photoId, sha256, true);
        }
        UploadReceipt r = first.receipt();
        Optional<PhotoView> now = view.get(photoId);
        // the variants made since an async first upload, so that a sync repeat can answer with them
        Map<String, String> variants = now.map(PhotoView::variants).filter(v -> !v.isEmpty()).orElse(r.variants());
        return new UploadReceipt(r.id(), now.map(PhotoView::status).orElse(r.status()), r.partition(), r.offset(),
                variants, true);
    }

    /**
     * Refuses (IDEMPOTENCY_KEY_REUSED) an upload with {@code key} whose photo has a stored original
     * of other bytes than {@code sha256}; no original, or the same bytes, pass. For a key the status
     * view does not know.
     */
    void requireNoOtherOriginal(String key, String photoId, String sha256) {
        if (key != null) {
            requireNoOtherOriginal(key, photoId, sha256, false);
        }
    }

    /** Remembers the first upload with {@code key} (none when null) and the SHA-256 of its bytes. */
    void remember(String key, UploadReceipt receipt, String sha256) {
        if (key != null) {
            synchronized (recent) {
                recent.put(key, new First(receipt, sha256));
            }
        }
    }

    /** With {@code mustExist}, a missing original means the bytes cannot be compared: refused too. */
    private void requireNoOtherOriginal(String key, String photoId, String sha256, boolean mustExist) {
        try {
            blobs.readOriginal(photoId, originalLocation(photoId), sha256, maxUploadBytes);
        } catch (DigestMismatchException e) {
            throw reused(key, photoId, "SHA-256 " + e.actual(), sha256);
        } catch (SourceTooLargeException e) {
            throw reused(key, photoId, e.size() + " bytes, more than the limit of " + maxUploadBytes, sha256);
        } catch (BlobNotFoundException e) {
            if (mustExist) {
                throw new UploadRejectedException(UploadRejectedException.Reason.IDEMPOTENCY_KEY_REUSED,
                        "Idempotency-Key '" + key + "' was first used for photo " + photoId + ", whose bytes are no "
                        + "longer stored, so this upload cannot be told apart from a different one; send it with "
                        + "a new key");
            }
        }
    }

    /** Where the blob store keeps a photo's original (its documented layout: {@code originals/<photoId>}). */
    private static String originalLocation(String photoId) {
        return "originals/" + photoId;
    }

    private static UploadRejectedException reused(String key, String photoId, String first, String sha256) {
        return new UploadRejectedException(UploadRejectedException.Reason.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '"
                + key + "' was first used for photo " + photoId + " with other bytes (" + first + "); this upload's "
                + "bytes have SHA-256 " + sha256 + ". A key names one upload: send a different file with a new key");
    }
}
