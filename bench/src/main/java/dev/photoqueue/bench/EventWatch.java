package dev.photoqueue.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Listens to the app's {@code GET /api/events} as the page does and stamps the moment each photo's
 * first {@code DONE} event arrives ({@link System#nanoTime} and the wall clock), on a thread of its
 * own that does nothing else. A photo that shows {@code FAILED}, {@code DEAD_LETTERED} or
 * {@code LOST} fails its wait. Thread-safe.
 */
final class EventWatch implements AutoCloseable {

    /** When a photo's DONE arrived: on the nanoTime scale, and in wall-clock milliseconds (the journey's clock). */
    record Arrival(long nanos, long epochMillis) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, CompletableFuture<Arrival>> done = new ConcurrentHashMap<>();
    private final HttpURLConnection connection;
    private final Thread reader;
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile boolean closed;

    EventWatch(String base) throws IOException, InterruptedException {
        connection = (HttpURLConnection) URI.create(base + "/api/events").toURL().openConnection();
        connection.setRequestProperty("Accept", "text/event-stream");
        connection.setReadTimeout(0);
        if (connection.getResponseCode() != 200) {
            throw new IllegalStateException("GET " + base + "/api/events answered " + connection.getResponseCode());
        }
        reader = new Thread(this::read, "bench-sse");
        reader.setDaemon(true);
        reader.start();
        if (!opened.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the event stream of " + base + " sent no hello within 10 s");
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    long nanos = System.nanoTime();
                    long millis = System.currentTimeMillis();
                    if ("hello".equals(event)) {
                        opened.countDown();
                    } else if ("photo".equals(event)) {
                        photo(JSON.readTree(line.substring(5).trim()), new Arrival(nanos, millis));
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) {
                done.values().forEach(f -> f.completeExceptionally(e));
            }
        }
    }

    private void photo(JsonNode photo, Arrival at) {
        String status = photo.get("status").asText();
        CompletableFuture<Arrival> f = done.computeIfAbsent(photo.get("id").asText(), id -> new CompletableFuture<>());
        switch (status) {
            case "DONE" -> f.complete(at);
            case "FAILED", "DEAD_LETTERED", "LOST" -> f.completeExceptionally(new IllegalStateException(
                    "photo " + photo.get("id").asText() + " ended " + status + ": " + photo));
            default -> {
            }
        }
    }

    /** Waits for the photo's DONE event; fails after {@code limit} or when the photo failed. */
    Arrival awaitDone(String photoId, Duration limit) throws Exception {
        return done.computeIfAbsent(photoId, id -> new CompletableFuture<>()).get(limit.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        connection.disconnect();
    }
}
