package dev.photoqueue.upload.http;

/** Every error answer: a stable machine-readable {@code error} and a {@code detail} for people. */
public record ErrorBody(String error, String detail) {
}
