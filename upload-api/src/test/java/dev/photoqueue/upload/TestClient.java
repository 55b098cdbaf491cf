package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** The JDK HttpClient against one running app, with multipart uploads and JSON answers. */
final class TestClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String adminToken;

    TestClient(int port, String adminToken) {
        this.base = "http://localhost:" + port;
        this.adminToken = adminToken;
    }

    String base() {
        return base;
    }

    /** A sample photo from the repository's sample-images folder. */
    static byte[] sample(String name) {
        Path dir = Path.of(System.getProperty("photoqueue.samples", "../sample-images"));
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One form part: a file part when {@code fileName} is set. */
    record Part(String name, String fileName, String contentType, byte[] bytes) {
        static Part file(String name, String fileName, byte[] bytes) {
            return new Part(name, fileName, "image/jpeg", bytes);
        }

        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    HttpResponse<String> upload(String query, Map<String, String> headers, Part... parts) {
        String boundary = "pq" + UUID.randomUUID();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/photos" + query))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, parts)));
        headers.forEach(b::header);
        return send(b.build());
    }

    /** A multipart/form-data body of {@code parts} with {@code boundary}. */
    static byte[] multipart(String boundary, Part... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part p : parts) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\"");
            if (p.fileName() != null) {
                write(body, "; filename=\"" + p.fileName() + "\"\r\nContent-Type: " + p.contentType());
            }
            write(body, "\r\n\r\n");
            body.writeBytes(p.bytes());
            write(body, "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        return body.toByteArray();
    }

    HttpResponse<String> uploadPhoto(String sample) {
        return upload("", Map.of(), Part.file("file", sample, sample(sample)));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    HttpResponse<byte[]> getBytes(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An admin call with the configured token. */
    HttpResponse<String> admin(String method, String path, String json) {
        return call(method, path, json, adminToken);
    }

    HttpResponse<String> call(String method, String path, String json, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient http() {
        return http;
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** Polls {@code GET path} until {@code done} holds for the JSON answer; fails after {@code timeout}. */
    JsonNode await(String path, Predicate<JsonNode> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(path);
            if (r.statusCode() == 200) {
                JsonNode node = json(r);
                if (done.test(node)) {
                    return node;
                }
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(r.body())) {
                    seen.add(r.body());
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return fail("GET " + path + " did not reach the expected state within " + timeout + "; saw " + seen);
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
