package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An error answer to an upload comes only after the body was read, up to the size limit: a client
 * still sending gets the JSON error, not a broken pipe, and the connection carries its next
 * request. Past the limit the server stops reading and its answer says {@code Connection: close}.
 * Plain sockets: a client library hides when the answer came and whether the connection survived.
 */
class UploadErrorAfterBodyTest {

    static final int MAX_UPLOAD_BYTES = 600_000;
    static final String BOUNDARY = "pqdrain7f3a";
    static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
    /** The tail of a body held back until the test has seen that no answer came without it. */
    static final int HELD_BYTES = 1024;
    static final int QUIET_MILLIS = 500;
    /** A body the client would go on sending for long: 64 MiB, over a hundred times the limit. */
    static final long ENDLESS_BYTES = 64L << 20;

    static RunningApp running;

    @BeforeAll
    static void start() {
        running = RunningApp.start(Map.of("WORKERS", "0", "PARTITIONS", "1",
                "MAX_UPLOAD_BYTES", String.valueOf(MAX_UPLOAD_BYTES)));
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void aBadModeIsAnswered400AfterTheWholeBodyAndTheConnectionStaysOpen() throws IOException {
        byte[] body = multipart("file", "big.jpg", noise(500_000));
        try (RawHttp http = new RawHttp(running.app.port())) {
            RawHttp.Response r = sendHoldingTheTail(http, "/api/photos?mode=fast", MULTIPART, body);
            assertError(r, 400, "bad_request", "'fast'");
            assertNextRequestIsServed(http, r);
        }
    }

    @Test
    void aBodyThatIsNotMultipartIsAnswered400AfterItWasReadAndTheConnectionStaysOpen() throws IOException {
        try (RawHttp http = new RawHttp(running.app.port())) {
            RawHttp.Response r = sendHoldingTheTail(http, "/api/photos", "application/octet-stream", noise(300_000));
            assertError(r, 400, "bad_request", "application/octet-stream");
            assertNextRequestIsServed(http, r);
        }
    }

    @Test
    void aMultipartBodyWithoutAFilePartIsAnswered400AndTheConnectionStaysOpen() throws IOException {
        byte[] body = multipart("photo", "big.jpg", noise(300_000));
        try (RawHttp http = new RawHttp(running.app.port())) {
            RawHttp.Response r = sendHoldingTheTail(http, "/api/photos", MULTIPART, body);
            assertError(r, 400, "bad_request", "'file'");
            assertNextRequestIsServed(http, r);
        }
    }

    @Test
    void aFileJustOverTheLimitIsAnswered413AfterTheWholeBodyWithConnectionClose() throws IOException {
        byte[] body = multipart("file", "big.jpg", noise(MAX_UPLOAD_BYTES + 20_000));
        try (RawHttp http = new RawHttp(running.app.port())) {
            RawHttp.Response r = sendHoldingTheTail(http, "/api/photos", MULTIPART, body);
            assertError(r, 413, "too_large", String.valueOf(MAX_UPLOAD_BYTES));
            // Jetty keeps no connection whose multipart parse failed; the answer must say so
            assertEquals("close", r.header("Connection"), "a failed multipart parse ends the connection: "
                    + r.headers());
            assertTrue(http.closedByServer(), "the server closed the connection after its answer");
        }
    }

    @Test
    void aBodyOverTheLimitThroughAFieldBesideAFileUnderTheLimitGets413WithConnectionClose() throws Exception {
        // each part stays under the file limit (Jetty checks that per part): only the whole body passes its own
        // limit, the file limit and the room for fields, once the field has grown past 265 kB
        ByteArrayOutputStream preamble = new ByteArrayOutputStream();
        byte[] file = multipart("file", "small.jpg", noise(400_000));
        preamble.write(file, 0, file.length - "--\r\n".length());
        preamble.writeBytes("\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8));
        try (RawHttp http = new RawHttp(running.app.port())) {
            http.head("POST", "/api/photos", Map.of("Content-Type", MULTIPART,
                    "Content-Length", String.valueOf(preamble.size() + ENDLESS_BYTES)));
            http.write(preamble.toByteArray());
            CompletableFuture<Long> sent = sendInBackground(http, false);
            RawHttp.Response r = http.read();
            assertError(r, 413, "too_large", "larger than the limit");
            assertServerStopsReadingAndCloses(http, r, sent);
        }
    }

    @Test
    void anUploadOverTheLimitGets413WithConnectionCloseWhileTheClientStillSends() throws Exception {
        byte[] preamble = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.jpg\""
                + "\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        try (RawHttp http = new RawHttp(running.app.port())) {
            http.head("POST", "/api/photos", Map.of("Content-Type", MULTIPART,
                    "Content-Length", String.valueOf(preamble.length + ENDLESS_BYTES)));
            http.write(preamble);
            CompletableFuture<Long> sent = sendInBackground(http, false);
            RawHttp.Response r = http.read();
            assertError(r, 413, "too_large", String.valueOf(MAX_UPLOAD_BYTES));
            assertServerStopsReadingAndCloses(http, r, sent);
        }
    }

    @Test
    void aChunkedBodyPastTheLimitWithABadModeGets400WithConnectionClose() throws Exception {
        try (RawHttp http = new RawHttp(running.app.port())) {
            http.head("POST", "/api/photos?mode=fast", Map.of("Content-Type", MULTIPART,
                    "Transfer-Encoding", "chunked"));
            CompletableFuture<Long> sent = sendInBackground(http, true);
            RawHttp.Response r = http.read();
            assertError(r, 400, "bad_request", "'fast'");
            assertServerStopsReadingAndCloses(http, r, sent);
        }
    }

    /**
     * Sends all of {@code body} but its tail, checks that no answer came (an answer now would come
     * while a real client is still sending, and reach it as a broken pipe), then sends the tail and
     * reads the answer.
     */
    private static RawHttp.Response sendHoldingTheTail(RawHttp http, String target, String type, byte[] body)
            throws IOException {
        http.head("POST", target, Map.of("Content-Type", type, "Content-Length", String.valueOf(body.length)));
        try {
            http.write(body, 0, body.length - HELD_BYTES);
        } catch (IOException e) {
            throw new AssertionError("POST " + target + ": the server closed the connection while the client was "
                    + "still sending its " + body.length + " body bytes, as if it had answered without reading them", e);
        }
        assertFalse(http.answersWithin(QUIET_MILLIS), "POST " + target + " was answered before the last "
                + HELD_BYTES + " of its " + body.length + " body bytes were sent");
        http.write(body, body.length - HELD_BYTES, HELD_BYTES);
        return http.read();
    }

    /**
     * Writes {@link #ENDLESS_BYTES} of body on another thread, far more than a server that stops
     * reading at the limit lets through its socket buffers; stops at the first failed write.
     */
    private static CompletableFuture<Long> sendInBackground(RawHttp http, boolean chunked) {
        byte[] piece = noise(64 * 1024);
        return CompletableFuture.supplyAsync(() -> {
            long written = 0;
            try {
                while (written < ENDLESS_BYTES) {
                    if (chunked) {
                        http.chunk(piece, 0, piece.length);
                    } else {
                        http.write(piece);
                    }
                    written += piece.length;
                }
                if (chunked) {
                    http.chunk(piece, 0, 0);
                }
            } catch (IOException closedByTheServer) {
                // expected once the server has answered and closed; the test reads the answer
            }
            return written;
        });
    }

    private static void assertNextRequestIsServed(RawHttp http, RawHttp.Response answered) throws IOException {
        assertNotEquals("close", answered.header("Connection"), "a body read to its end keeps the connection: "
                + answered.headers());
        http.head("GET", "/livez", Map.of());
        RawHttp.Response next = http.read();
        assertEquals(200, next.status(), "GET /livez on the same connection after the refused upload: "
                + next.text());
    }

    private static void assertServerStopsReadingAndCloses(RawHttp http, RawHttp.Response r,
                                                          CompletableFuture<Long> sent) {
        assertEquals("close", r.header("Connection"), "the answer to a body past the limit says so: " + r.headers());
        assertTrue(http.closedByServer(), "the server closed the connection after its answer");
        long written = sent.join();
        assertTrue(written < ENDLESS_BYTES, "the server stopped reading at the limit, yet the client could send all "
                + ENDLESS_BYTES + " bytes");
    }

    private static void assertError(RawHttp.Response r, int status, String error, String detailPart)
            throws IOException {
        assertEquals(status, r.status(), r.text());
        JsonNode body = TestClient.JSON.readTree(r.body());
        assertEquals(error, body.get("error").asText(), r.text());
        assertTrue(body.get("detail").asText().contains(detailPart), "detail names " + detailPart + ": " + r.text());
    }

    private static byte[] multipart(String partName, String fileName, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + partName
                + "\"; filename=\"" + fileName + "\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** Bytes that hold no boundary line by chance: letters only, never a '-' or a line break. */
    private static byte[] noise(int size) {
        byte[] bytes = new byte[size];
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + random.nextInt(26));
        }
        return bytes;
    }
}
