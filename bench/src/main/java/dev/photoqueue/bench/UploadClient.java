package dev.photoqueue.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Uploads one photo to a server the way a load generator does: the multipart body built once,
 * before any clock starts, written over a kept-alive {@link HttpURLConnection} (the JDK's
 * {@code HttpClient} added about 5 ms to each upload), the whole answer read so the connection is
 * reused. Thread-safe.
 */
final class UploadClient {

    private static final String BOUNDARY = "pq-upload-bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: its status, its JSON body (null when there is none) and when it was read in full. */
    record Answer(int status, JsonNode body, long answeredNanos) {
        String id() {
            return body.get("id").asText();
        }
    }

    private final String base;
    private final byte[] body;

    UploadClient(String base, byte[] photo, String fileName) {
        this.base = base;
        ByteArrayOutputStream b = new ByteArrayOutputStream(photo.length + 256);
        b.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(photo);
        b.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        this.body = b.toByteArray();
    }

    String base() {
        return base;
    }

    /** Posts the photo to {@code /api/photos} + {@code query}; fails unless the status is {@code expected}. */
    Answer upload(String query, int expected) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + "/api/photos" + query).toURL().openConnection();
            c.setDoOutput(true);
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            byte[] answer;
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                answer = in == null ? new byte[0] : in.readAllBytes();
            }
            long answered = System.nanoTime();
            if (status != expected) {
                throw new IllegalStateException("POST " + base + "/api/photos" + query + " answered " + status
                        + " instead of " + expected + ": " + new String(answer, StandardCharsets.UTF_8));
            }
            return new Answer(status, answer.length == 0 ? null : JSON.readTree(answer), answered);
        } catch (IOException e) {
            throw new UncheckedIOException("uploading to " + base, e);
        }
    }

    /** {@code GET path} as JSON. */
    JsonNode get(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                byte[] answer = in == null ? new byte[0] : in.readAllBytes();
                if (status != 200) {
                    throw new IllegalStateException("GET " + base + path + " answered " + status + ": "
                            + new String(answer, StandardCharsets.UTF_8));
                }
                return JSON.readTree(answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + base + path, e);
        }
    }
}
