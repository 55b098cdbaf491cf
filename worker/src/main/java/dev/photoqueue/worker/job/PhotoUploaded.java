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
 * @param uploadedAt when the upload was accepted: its original checked and stored on disk
 * @param userId     who uploaded it (may be null)
 * @param city       where it was taken or uploaded from (may be null)
 * @param name       the file name it was uploaded with (may be null), a label only: shown (the job's
 *                   value in the dead-letter listing, the chaos switch's log line) and matched by the
 *                   chaos switch's name pattern, never used as a path. The upload API keeps its last
 *                   path segment without control characters, and refuses one over 255 bytes in UTF-8
 * @param receivedAt when the upload's request reached the upload API, before its body was read (may
 *                   be null: jobs made elsewhere, and jobs written before this field existed); with
 *                   {@code uploadedAt} and the record's own timestamp it times the hops of the
 *                   upload in the photo's journey
 */
public record PhotoUploaded(String photoId, String blob, String sha256, Instant uploadedAt, String userId,
                            String city, String name, Instant receivedAt) {

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

    /** A job without the time its request arrived. */
    public PhotoUploaded(String photoId, String blob, String sha256, Instant uploadedAt, String userId, String city,
                         String name) {
        this(photoId, blob, sha256, uploadedAt, userId, city, name, null);
    }

    /** A job without a file name. */
    public PhotoUploaded(String photoId, String blob, String sha256, Instant uploadedAt, String userId, String city) {
        this(photoId, blob, sha256, uploadedAt, userId, city, null, null);
    }
}
