package dev.photoqueue.worker.job;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The job: a photo was stored and waits for its variants. Published to {@link Topics#PHOTO_UPLOADED}
 * keyed by the photo id.
 *
 * @param photoId    the photo's id; it names the photo's folder in the blob store
 * @param blob       where the original lies, relative to the blob store's root
 * @param sha256     the SHA-256 of the original's bytes, 64 lower-case hex digits
 * @param uploadedAt when the upload was accepted
 * @param userId     who uploaded it (may be null)
 * @param city       where it was taken or uploaded from (may be null)
 */
public record PhotoUploaded(String photoId, String blob, String sha256, Instant uploadedAt, String userId,
                            String city) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public PhotoUploaded {
        Objects.requireNonNull(photoId, "photoId");
        Objects.requireNonNull(blob, "blob");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(uploadedAt, "uploadedAt");
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, was '" + sha256 + "'");
        }
    }
}
