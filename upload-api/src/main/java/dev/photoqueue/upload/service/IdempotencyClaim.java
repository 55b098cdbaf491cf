package dev.photoqueue.upload.service;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upload's hold on its Idempotency-Key, from {@link PhotoService#claim}: while it is held,
 * another upload with the same key is refused with
 * {@link UploadRejectedException.Reason#IDEMPOTENCY_KEY_IN_USE}. {@link #close} lets the key go
 * whatever became of the upload, so that the retry of a failed upload can proceed. An upload
 * without a key holds nothing. Closing more than once does nothing; any thread.
 */
public final class IdempotencyClaim implements AutoCloseable {

    private final String key;
    private final Set<String> held;
    private final AtomicBoolean open = new AtomicBoolean(true);

    /** {@code key} is already in {@code held} (or null: nothing is held). */
    IdempotencyClaim(String key, Set<String> held) {
        this.key = key;
        this.held = held;
    }

    /** The key held, or null for an upload without one. */
    public String key() {
        return key;
    }

    /**
     * {@link IllegalArgumentException} unless this claim is for {@code idempotencyKey}, and
     * {@link IllegalStateException} once it was closed.
     */
    void requireHolds(String idempotencyKey) {
        if (!Objects.equals(key, idempotencyKey)) {
            throw new IllegalArgumentException("the upload has Idempotency-Key " + quoted(idempotencyKey)
                    + " but the claim holds " + quoted(key));
        }
        if (!open.get()) {
            throw new IllegalStateException("the claim of Idempotency-Key " + quoted(key) + " was let go already");
        }
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false) && key != null) {
            held.remove(key);
        }
    }

    private static String quoted(String key) {
        return key == null ? "(none)" : "'" + key + "'";
    }
}
