package dev.photoqueue.upload.service;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
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
 * @param name           the client's file name, its last path segment only, printable characters, at
 *                       most {@value #MAX_NAME_CHARS} of them; or null
 * @param receivedAt     when the request reached the HTTP layer, before its body was read (null: now);
 *                       the job carries it, so the photo's journey shows how long the upload took
 */
public record UploadRequest(InputStream content, long size, String user, String city, String idempotencyKey,
                            boolean sync, String name, Instant receivedAt) {

    static final int MAX_NAME_CHARS = 200;

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

    private static String label(String name) {
        if (name == null) {
            return null;
        }
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        String printable = last.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().trim();
        if (printable.isEmpty()) {
            return null;
        }
        return printable.length() <= MAX_NAME_CHARS ? printable : printable.substring(0, MAX_NAME_CHARS);
    }

    /** Null for null or blank, else trimmed: how the fields and the key are taken. */
    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
