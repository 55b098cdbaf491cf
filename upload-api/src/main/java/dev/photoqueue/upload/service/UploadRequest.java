package dev.photoqueue.upload.service;

import java.util.Objects;

/**
 * One upload as the HTTP layer received it. The client's file name is not part of it: names are
 * never used, for paths or for the type.
 *
 * @param idempotencyKey the client's key for retries, or null
 * @param sync           process inline and answer when the variants exist (the naive way)
 */
public record UploadRequest(byte[] bytes, String user, String city, String idempotencyKey, boolean sync) {

    public UploadRequest {
        Objects.requireNonNull(bytes, "bytes");
        user = blankToNull(user);
        city = blankToNull(city);
        idempotencyKey = blankToNull(idempotencyKey);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
