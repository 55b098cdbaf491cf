package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.photoqueue.upload.TestClient.Part;
import static dev.photoqueue.upload.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The photo endpoints on a real server with two embedded workers and real photos. Limits are set
 * so real samples cross them: 600 kB per upload (Dune.jpg has 1 MB) and 2 megapixels (Aqua.jpg
 * has 2560x1600; GreenMeadow.jpg's 1280x1024 passes).
 */
class PhotoApiTest {

    static final Duration PROCESSING = Duration.ofSeconds(60);
    static RunningApp running;
    static TestClient client;

    @BeforeAll
    static void start() {
        running = RunningApp.start(Map.of("WORKERS", "2", "PARTITIONS", "3", "MAX_UPLOAD_BYTES", "600000",
                "MAX_PIXELS", "2000000"));
        client = running.client;
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void asyncUploadAnswers202AtOnceAndReachesDoneThroughTheWorkers() {
        HttpResponse<String> r = client.uploadPhoto("GreenMeadow.jpg");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode body = json(r);
        String id = body.get("id").asText();
        assertEquals("QUEUED", body.get("status").asText());
        assertTrue(body.get("partition").asInt() >= 0 && body.get("partition").asInt() < 3, r.body());
        assertTrue(body.get("offset").asLong() >= 0, r.body());
        assertEquals("/api/photos/" + id, r.headers().firstValue("Location").orElseThrow());

        JsonNode done = client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), PROCESSING);
        assertEquals(id, done.get("id").asText());
        assertTrue(done.get("attempts").asInt() >= 1, done.toString());
        assertTrue(done.get("error").isNull(), done.toString());
        for (String variant : new String[] {"thumb", "small", "medium"}) {
            String url = done.get("variants").get(variant).asText();
            assertEquals("/photos/" + id + "/" + variant + ".jpg", url);
            HttpResponse<byte[]> image = client.getBytes(url);
            assertEquals(200, image.statusCode());
            assertEquals("image/jpeg", image.headers().firstValue("Content-Type").orElseThrow());
            assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8}, Arrays.copyOf(image.body(), 2));
        }
    }

    @Test
    void theJourneyTimesEveryHopOfAnAsyncUploadInOrder() {
        java.time.Instant before = java.time.Instant.now();
        HttpResponse<String> r = client.uploadPhoto("GreenMeadow.jpg");
        assertEquals(202, r.statusCode(), r.body());
        String id = json(r).get("id").asText();
        client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), PROCESSING);
        JsonNode journey = client.await("/api/photos/" + id + "/journey", j -> j.get("steps").size() >= 3, PROCESSING);
        JsonNode uploaded = step(journey, "uploaded");
        JsonNode delivered = step(journey, "delivered");
        JsonNode processed = step(journey, "processed");

        java.time.Instant received = java.time.Instant.parse(uploaded.get("received").asText());
        java.time.Instant stored = java.time.Instant.parse(uploaded.get("stored").asText());
        java.time.Instant appended = java.time.Instant.parse(uploaded.get("at").asText());
        java.time.Instant shown = java.time.Instant.parse(processed.get("shown").asText());
        assertFalse(received.isBefore(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), journey.toString());
        assertFalse(stored.isBefore(received), "stored after received: " + journey);
        // record times are whole milliseconds: the job is appended in the millisecond the original was stored, or later
        assertFalse(appended.isBefore(stored.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)), journey.toString());
        assertFalse(java.time.Instant.parse(delivered.get("at").asText()).isBefore(appended), journey.toString());
        java.time.Instant done = java.time.Instant.parse(processed.get("at").asText());
        assertFalse(done.isBefore(java.time.Instant.parse(delivered.get("at").asText())), journey.toString());
        assertFalse(shown.isBefore(done), "shown once read, after the outcome was appended: " + journey);
        assertTrue(processed.get("processingMs").asDouble() > 0, journey.toString());
    }

    @Test
    void aSyncUploadsJourneyIsItsOutcomeOnly() {
        HttpResponse<String> r = client.upload("?mode=sync", Map.of(),
                Part.file("file", "meadow.jpg", TestClient.sample("GreenMeadow.jpg")));
        assertEquals(201, r.statusCode(), r.body());
        String id = json(r).get("id").asText();
        JsonNode journey = client.await("/api/photos/" + id + "/journey", j -> j.get("steps").size() >= 1, PROCESSING);
        assertEquals("processed", journey.get("steps").get(0).get("what").asText(), journey.toString());
        assertTrue(journey.get("steps").get(0).get("processingMs").asDouble() > 0, journey.toString());
    }

    private static JsonNode step(JsonNode journey, String what) {
        for (JsonNode step : journey.get("steps")) {
            if (step.get("what").asText().equals(what)) {
                return step;
            }
        }
        throw new AssertionError("no step '" + what + "' in " + journey);
    }

    @Test
    void syncUploadAnswers201WhenTheVariantsExist() {
        HttpResponse<String> r = client.upload("?mode=sync", Map.of(),
                Part.file("file", "meadow.jpg", TestClient.sample("GreenMeadow.jpg")));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode body = json(r);
        String id = body.get("id").asText();
        assertEquals("DONE", body.get("status").asText());
        assertEquals("/api/photos/" + id, r.headers().firstValue("Location").orElseThrow());
        String thumb = body.get("variants").get("thumb").asText();
        assertEquals(200, client.getBytes(thumb).statusCode(), "the variant exists when the answer comes");
        client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), PROCESSING);
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheSamePhoto() {
        byte[] photo = TestClient.sample("FreshFlower.jpg");
        Map<String, String> key = Map.of("Idempotency-Key", "retry-test-1");
        HttpResponse<String> first = client.upload("", key, Part.file("file", "a.jpg", photo));
        HttpResponse<String> second = client.upload("", key, Part.file("file", "a.jpg", photo));
        HttpResponse<String> other = client.upload("", Map.of("Idempotency-Key", "retry-test-2"),
                Part.file("file", "a.jpg", photo));
        assertEquals(202, first.statusCode(), first.body());
        assertEquals(202, second.statusCode(), second.body());
        assertEquals(json(first).get("id"), json(second).get("id"));
        assertEquals(json(first).get("offset"), json(second).get("offset"), "no second job was produced");
        assertEquals("true", second.headers().firstValue("Idempotent-Replayed").orElseThrow());
        assertNotEquals(json(first).get("id"), json(other).get("id"));
    }

    @Test
    void userAndCityAreKeptWithThePhoto() {
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "x.jpg",
                TestClient.sample("GreenMeadow.jpg")), Part.field("user", "ada"), Part.field("city", "Lisbon"));
        assertEquals(202, r.statusCode(), r.body());
        JsonNode photo = client.await("/api/photos/" + json(r).get("id").asText(), p -> true, PROCESSING);
        assertEquals("ada", photo.get("user").asText());
        assertEquals("Lisbon", photo.get("city").asText());
    }

    @Test
    void aUserOrCityIsMeasuredInCharactersAsTheDescriptionsMaxLengthIsNotInUtf16Units() {
        String hundred = "\uD83D\uDE42".repeat(100); // 100 emoji, 200 UTF-16 units: the limit
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "x.jpg",
                TestClient.sample("GreenMeadow.jpg")), Part.field("user", hundred), Part.field("city", hundred));
        assertEquals(202, r.statusCode(), r.body());
        JsonNode photo = client.await("/api/photos/" + json(r).get("id").asText(), p -> p.hasNonNull("user"),
                PROCESSING);
        assertEquals(hundred, photo.get("user").asText());
        assertEquals(hundred, photo.get("city").asText());
        HttpResponse<String> over = client.upload("", Map.of(), Part.file("file", "x.jpg",
                TestClient.sample("GreenMeadow.jpg")), Part.field("user", hundred + "\uD83D\uDE42"));
        assertError(over, 400, "bad_request");
        assertEquals("user must be at most 100 characters, was 101", json(over).get("detail").asText(), over.body());
    }

    @Test
    void aUserOrCityWithAControlCharacterGets400NamingIt() {
        for (Part field : List.of(Part.field("user", "ada\nINFO forged log line"),
                Part.field("city", "Lis\u001b[31mbon"))) {
            HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "x.jpg",
                    TestClient.sample("GreenMeadow.jpg")), field);
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(json(r).get("detail").asText().contains("must not contain control characters, has U+"),
                    r.body());
        }
    }

    @Test
    void aMethodThePathHasNoRouteForGets405WithAllowListingTheOnesItHas() {
        HttpResponse<String> r = client.call("DELETE", "/api/photos", null, null);

        assertEquals(405, r.statusCode(), r.body());
        assertEquals("method_not_allowed", json(r).get("error").asText(), r.body());
        List<String> allowed = Arrays.stream(r.headers().firstValue("Allow").orElse("").split(","))
                .map(String::trim).sorted().toList();
        assertEquals(List.of("GET", "HEAD", "POST"), allowed, "Allow: " + r.headers().firstValue("Allow"));
        assertEquals(404, client.call("DELETE", "/api/nothing-here", null, null).statusCode(), "an unknown path stays 404");
    }

    @Test
    void aNonAsciiIdempotencyKeyGets400SayingItMustBeAsciiNotThatItHasAControlCharacter() throws java.io.IOException {
        // the UTF-8 bytes of the key, as a client that does not encode it sends them
        String utf8 = new String("ключ".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        byte[] body = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\nnot read\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
        RawHttp.Response r;
        try (RawHttp raw = new RawHttp(running.app.port())) {
            raw.head("POST", "/api/photos", Map.of("Idempotency-Key", utf8,
                    "Content-Type", "multipart/form-data; boundary=b", "Content-Length", String.valueOf(body.length)));
            raw.write(body);
            r = raw.read();
        }

        assertEquals(400, r.status(), r.text());
        assertTrue(r.text().contains("must be ASCII (a structured-field string); byte 0xD0 at 0"), r.text());
    }

    @Test
    void requestsRefusedBeforeAnyRouteGetTheJsonErrorBodyToo() throws java.io.IOException {
        Map<String, RawHttp.Response> answers = new java.util.LinkedHashMap<>();
        try (RawHttp raw = new RawHttp(running.app.port())) {
            raw.head("PUT", "/api/settings", Map.of("Idempotency-Key", "k".repeat(20_000)));
            answers.put("headers_too_large", raw.read());
        }
        try (RawHttp raw = new RawHttp(running.app.port())) {
            raw.head("GET", "/api/photos/" + "a".repeat(20_000), Map.of());
            answers.put("uri_too_long", raw.read());
        }
        try (RawHttp raw = new RawHttp(running.app.port())) {
            raw.head("GET", "/api/photos/%ZZ", Map.of());
            answers.put("bad_request", raw.read());
        }
        try (RawHttp raw = new RawHttp(running.app.port())) {
            raw.write("GET /api/photos HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            answers.put("version_not_supported", raw.read());
        }
        Map<String, Integer> statuses = Map.of("headers_too_large", 431, "uri_too_long", 414, "bad_request", 400,
                "version_not_supported", 505);
        for (Map.Entry<String, RawHttp.Response> answer : answers.entrySet()) {
            RawHttp.Response r = answer.getValue();
            assertEquals(statuses.get(answer.getKey()), r.status(), r.text());
            assertTrue(String.valueOf(r.header("Content-Type")).startsWith("application/json"), r.text());
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            assertEquals(answer.getKey(), body.get("error").asText(), r.text());
            assertTrue(body.get("detail").asText().contains(Integer.toString(r.status())), r.text());
            assertFalse(body.get("detail").asText().contains("null"), "no words of Jetty's that say nothing: " + r.text());
        }
    }

    @Test
    void recentPhotosComeNewestFirstAndLimitIsChecked() {
        String older = json(client.uploadPhoto("GreenMeadow.jpg")).get("id").asText();
        String newer = json(client.uploadPhoto("FreshFlower.jpg")).get("id").asText();
        JsonNode list = client.await("/api/photos?limit=2", l -> l.size() == 2
                && l.get(0).get("id").asText().equals(newer), PROCESSING);
        assertEquals(older, list.get(1).get("id").asText());
        assertEquals(400, client.get("/api/photos?limit=0").statusCode());
        HttpResponse<String> bad = client.get("/api/photos?limit=ten");
        assertEquals(400, bad.statusCode());
        assertEquals("bad_request", json(bad).get("error").asText());
        assertTrue(json(bad).get("detail").asText().contains("ten"), bad.body());
        HttpResponse<String> huge = client.get("/api/photos?limit=99999999999");
        assertEquals(400, huge.statusCode());
        assertEquals("limit must be between 1 and 500, was 99999999999", json(huge).get("detail").asText(),
                "a whole number out of range is told as one");
    }

    @Test
    void anIntegerQueryParameterIsPlainDigitsOnEveryRouteAndAnythingElseGets400NamingIt() {
        // '+' in a query is a space (form encoding): ?limit=+5 reaches the server as " 5"
        Map<String, String> refused = Map.of("+5", " 5", "%2B5", "+5", "%205", " 5", "5%20", "5 ", "05", "05",
                "-5", "-5", "5.0", "5.0", "0x5", "0x5", "", "");
        for (String route : List.of("/api/photos", "/api/stats")) {
            for (Map.Entry<String, String> value : refused.entrySet()) {
                HttpResponse<String> r = client.get(route + "?limit=" + value.getKey());
                assertError(r, 400, "bad_request");
                assertEquals("limit must be a whole number in plain digits (no sign, space or leading zero), was '"
                        + value.getValue() + "'", json(r).get("detail").asText(), route + "?limit=" + value.getKey());
            }
            assertEquals(200, client.get(route + "?limit=5").statusCode(), route);
            assertEquals(200, client.get(route + "?limit=10").statusCode(), route);
        }
    }

    @Test
    void aFileNameOver255BytesInUtf8Gets400NamingTheLimitAndItsLength() throws java.io.IOException {
        long before = originals();
        String longest = "a".repeat(251) + ".jpg"; // 255 bytes: the longest name a filesystem takes
        HttpResponse<String> fits = client.upload("", Map.of(), Part.file("file", longest,
                TestClient.sample("GreenMeadow.jpg")));
        assertEquals(202, fits.statusCode(), fits.body());
        for (String name : List.of("a".repeat(252) + ".jpg", "\u00e9".repeat(126) + ".jpg",
                "x".repeat(5000) + ".jpg")) {
            int bytes = name.getBytes(StandardCharsets.UTF_8).length;
            HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", name,
                    TestClient.sample("GreenMeadow.jpg")));
            assertError(r, 400, "bad_request");
            assertEquals("the file name must be at most 255 bytes in UTF-8, was " + bytes + " bytes",
                    json(r).get("detail").asText(), r.body());
        }
        assertEquals(before + 1, originals(), "only the upload whose name fits was stored");
    }

    @Test
    void bytesThatAreNoImageGet415WhateverTheNameSaysAndLeaveNothingStored() throws java.io.IOException {
        long before = originals();
        byte[] text = "just some text, not a photo. ".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = client.upload("", Map.of(), new Part("file", "holiday.jpg", "image/jpeg", text));
        assertError(r, 415, "unsupported_type");
        assertTrue(json(r).get("detail").asText().contains("not an image"), r.body());
        assertTrue(json(r).get("detail").asText().contains(text.length + " bytes"), r.body());
        assertEquals(before, originals(), "the refused upload's staged file was deleted");
    }

    @Test
    void anUploadOverTheSizeLimitGets413() {
        // 30 kB over the limit, within what the server reads before it answers: the client has sent
        // its whole body when the answer comes. The server stops reading a body far past the limit
        // (UploadErrorAfterBodyTest), and this client, which reads only once it has sent all, could
        // then meet the closed connection before the answer.
        byte[] photo = Arrays.copyOf(TestClient.sample("Dune.jpg"), 630_000);
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "dune.jpg", photo));
        assertError(r, 413, "too_large");
        assertTrue(json(r).get("detail").asText().contains("600000"), r.body());
    }

    @Test
    void morePixelsThanTheLimitGet422FromTheHeader() {
        HttpResponse<String> r = client.uploadPhoto("Aqua.jpg");
        assertError(r, 422, "too_many_pixels");
        assertTrue(json(r).get("detail").asText().contains("2560x1600"), r.body());
    }

    @Test
    void aMissingFilePartOrABodyThatIsNotMultipartGets400() {
        assertError(client.upload("", Map.of(), Part.field("user", "ada")), 400, "bad_request");
        assertError(client.call("POST", "/api/photos", "{\"file\":\"x\"}", null), 400, "bad_request");
        assertError(client.upload("?mode=fast", Map.of(), Part.file("file", "x.jpg",
                TestClient.sample("GreenMeadow.jpg"))), 400, "bad_request");
        HttpResponse<String> bare = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(client.base() + "/api/photos")).POST(
                java.net.http.HttpRequest.BodyPublishers.ofString("x")).build());
        assertError(bare, 400, "bad_request");
        assertTrue(json(bare).get("detail").asText().endsWith("got no Content-Type"), bare.body());
    }

    @Test
    void aBodyOfAnotherMultipartTypeGets400SayingSoNotThatPartFileIsMissing() {
        String boundary = "pqmixed";
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(client.base() + "/api/photos"))
                .header("Content-Type", "multipart/mixed; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(TestClient.multipart(boundary,
                        Part.file("file", "meadow.jpg", TestClient.sample("GreenMeadow.jpg")))))
                .build();
        HttpResponse<String> r = client.send(request);
        assertError(r, 400, "bad_request");
        assertTrue(json(r).get("detail").asText().contains("multipart/mixed"), r.body());
    }

    @Test
    void anImageSentAsAPlainFieldNamedFileGets400NamingTheMissingFileName() {
        // what curl -F 'file=<photo.jpg' sends: a part named file, but a form field, with no filename
        HttpResponse<String> r = client.upload("", Map.of(), new Part("file", null, null,
                TestClient.sample("GreenMeadow.jpg")));
        assertError(r, 400, "bad_request");
        assertTrue(json(r).get("detail").asText().contains("filename"), r.body());
    }

    @Test
    void aUserOrCitySentTwiceGets400NotTheFirstOfThem() throws java.io.IOException {
        long before = originals();
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "meadow.jpg",
                TestClient.sample("GreenMeadow.jpg")), Part.field("user", "ada"), Part.field("user", "grace"));
        assertError(r, 400, "bad_request");
        assertTrue(json(r).get("detail").asText().contains("user must be sent once, came 2 times"), r.body());
        assertError(client.upload("", Map.of(), Part.file("file", "meadow.jpg", TestClient.sample("GreenMeadow.jpg")),
                Part.field("city", "Oslo"), Part.field("city", "Lima")), 400, "bad_request");
        assertEquals(before, originals(), "nothing was stored for the refused uploads");
    }

    @Test
    void aUserOrCityThatIsNoUtf8Gets400NamingTheFieldAndByteNotAReplacementCharacter() throws java.io.IOException {
        long before = originals();
        byte[] bad = {'a', 'd', (byte) 0xFF, 'a'};
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "meadow.jpg",
                TestClient.sample("GreenMeadow.jpg")), new Part("user", null, null, bad));
        assertError(r, 400, "bad_request");
        assertEquals("user must be UTF-8 text, has byte 0xFF at 2 that is not valid UTF-8",
                json(r).get("detail").asText(), r.body());
        // a sequence cut short at the end (the first two of the three bytes of the euro sign)
        r = client.upload("", Map.of(), Part.file("file", "meadow.jpg", TestClient.sample("GreenMeadow.jpg")),
                new Part("city", null, null, new byte[] {'O', 's', 'l', 'o', (byte) 0xE2, (byte) 0x82}));
        assertError(r, 400, "bad_request");
        assertEquals("city must be UTF-8 text, has byte 0xE2 at 4 that is not valid UTF-8",
                json(r).get("detail").asText(), r.body());
        assertEquals(before, originals(), "nothing was stored for the refused uploads");

        // valid UTF-8 beyond ASCII, a replacement character sent as such included, is kept as sent
        String user = "Zoë \u20AC \uFFFD";
        r = client.upload("", Map.of(), Part.file("file", "meadow.jpg", TestClient.sample("GreenMeadow.jpg")),
                Part.field("user", user));
        assertEquals(202, r.statusCode(), r.body());
        String id = json(r).get("id").asText();
        assertEquals(user, client.await("/api/photos/" + id, p -> p.hasNonNull("user"), PROCESSING)
                .get("user").asText());
    }

    @Test
    void aQueryParameterSentTwiceGets400NamingItOnEveryRouteNotTheFirstOfThem() throws java.io.IOException {
        for (String path : List.of("/api/photos?limit=5&limit=10", "/api/stats?limit=5&limit=10",
                "/api/photos?limit=5&LIMIT=7&limit=5")) {
            HttpResponse<String> r = client.get(path);
            assertError(r, 400, "bad_request");
            assertTrue(json(r).get("detail").asText().startsWith("limit must be sent once, came 2 times: [5, "),
                    path + ": " + r.body());
        }
        long before = originals();
        HttpResponse<String> r = client.upload("?mode=sync&mode=async", Map.of(), Part.file("file", "meadow.jpg",
                TestClient.sample("GreenMeadow.jpg")));
        assertError(r, 400, "bad_request");
        assertEquals("mode must be sent once, came 2 times: [sync, async]", json(r).get("detail").asText(), r.body());
        assertEquals(before, originals(), "nothing was stored for the refused upload");
        assertEquals(200, client.get("/api/photos?limit=5&other=1&other=2").statusCode(),
                "a parameter the route does not read is not checked");
    }

    @Test
    void aUserSentAsAFilePartGets400NotAnUploadWithoutAUser() throws java.io.IOException {
        long before = originals();
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "meadow.jpg",
                TestClient.sample("GreenMeadow.jpg")),
                Part.file("user", "user.txt", "ada".getBytes(StandardCharsets.UTF_8)));
        assertError(r, 400, "bad_request");
        assertTrue(json(r).get("detail").asText().contains("user came as a file part"), r.body());
        assertEquals(before, originals(), "nothing was stored for the refused upload");
    }

    @Test
    void aSyncUploadThatCannotBeDecodedGets422AndKeepsNothing() throws java.io.IOException {
        byte[] photo = TestClient.sample("GreenMeadow.jpg");
        long before = originals();
        HttpResponse<String> r = client.upload("?mode=sync", Map.of(),
                Part.file("file", "cut.jpg", Arrays.copyOf(photo, photo.length / 3)));
        assertError(r, 422, "corrupt_image");
        assertTrue(json(r).get("detail").asText().contains("truncated or corrupt"), r.body());
        assertEquals(before, originals(), "the refused original was deleted");
    }

    private static long originals() throws java.io.IOException {
        java.nio.file.Path dir = running.dataDir.resolve("blobs/originals");
        if (!java.nio.file.Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aFileNameIsNeverUsedAsAPath() {
        HttpResponse<String> r = client.upload("", Map.of(), Part.file("file", "../../../etc/passwd",
                TestClient.sample("GreenMeadow.jpg")));
        assertEquals(202, r.statusCode(), r.body());
        String id = json(r).get("id").asText();
        assertTrue(id.matches("[0-9a-f]{32}"), id);
    }

    @Test
    void unknownPhotosAndVariantsGet404() {
        assertError(client.get("/api/photos/nosuchphoto"), 404, "not_found");
        assertError(client.get("/photos/nosuchphoto/thumb.jpg"), 404, "not_found");
        String id = json(client.uploadPhoto("GreenMeadow.jpg")).get("id").asText();
        client.await("/api/photos/" + id, p -> p.get("status").asText().equals("DONE"), PROCESSING);
        assertError(client.get("/photos/" + id + "/huge.jpg"), 404, "not_found");
        assertError(client.get("/photos/" + id + "/..%2F..%2Fmanifest.json"), 404, "not_found");
    }

    @Test
    void pagesCarryTheSecurityHeaders() {
        HttpResponse<String> page = client.get("/");
        assertEquals(200, page.statusCode());
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertEquals("nosniff", client.get("/api/queue").headers().firstValue("X-Content-Type-Options").orElseThrow());
    }

    static void assertError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals(error, body.get("error").asText(), r.body());
        assertFalse(body.get("detail").asText().isBlank(), r.body());
    }
}
