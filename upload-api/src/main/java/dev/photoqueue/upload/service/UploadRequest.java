package dev.photoqueue.upload.service;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One upload as the HTTP layer received it. The client's file name is only a label: it travels
 * with the job for people to read (and for the chaos switch's name pattern), and is never used
 * for a path or for the type. The file comes as a stream, read once, so that the service can
 * stage it on disk without holding it in the heap.
 *
 * @param content        the file's bytes; the caller closes it
 * @param size           how many bytes the HTTP layer says the file has (the stream is still
 *                       counted against the limit as it is read)
 * @param idempotencyKey the client's key for retries, or null
 * @param sync           process inline and answer when the variants exist (the naive way)
 * @param name           the client's file name, its last path segment only, printable characters; or
 *                       null. Given longer than {@value #MAX_NAME_BYTES} bytes in UTF-8 it is refused
 *                       ({@link InvalidValueException}), not cut
 * @param receivedAt     when the request reached the HTTP layer, before its body was read (null: now);
 *                       the job carries it, so the photo's journey shows how long the upload took
 */
public record UploadRequest(InputStream content, long size, String user, String city, String idempotencyKey,
                            boolean sync, String name, Instant receivedAt) {

    /**
     * The longest file name taken, in UTF-8 bytes: what common filesystems allow for one name (ext4,
     * XFS, btrfs, APFS: 255 bytes), so no real photo's name is refused, and a name stays a label of a
     * few hundred bytes in the job record, the dead-letter listing and the chaos switch's log line.
     */
    public static final int MAX_NAME_BYTES = 255;

    public UploadRequest {
        Objects.requireNonNull(content, "content");
        if (size < 0) {
            throw new IllegalArgumentException("an upload's size must be >= 0, was " + size);
        }
        user = blankToNull(user);
        city = blankToNull(city);
        idempotencyKey = blankToNull(idempotencyKey);
        name = label(name);
        receivedAt = receivedAt == null ? Instant.now() : receivedAt;
    }

    /** An upload of {@code bytes} held in memory, without a file name. */
    public UploadRequest(byte[] bytes, String user, String city, String idempotencyKey, boolean sync) {
        this(new ByteArrayInputStream(bytes), bytes.length, user, city, idempotencyKey, sync, null, null);
    }

    /**
     * The name as a label: its last path segment (a client may send a path), control characters
     * removed (a line break would forge a log line); only ever shown, never used as a path.
     */
    private static String label(String name) {
        if (name == null) {
            return null;
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new InvalidValueException("the file name must be at most " + MAX_NAME_BYTES + " bytes in UTF-8, was "
                    + bytes + " bytes");
        }
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        String printable = last.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().trim();
        return printable.isEmpty() ? null : printable;
    }

    /** Null for null or blank, else trimmed: how the fields and the key are taken. */
    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
