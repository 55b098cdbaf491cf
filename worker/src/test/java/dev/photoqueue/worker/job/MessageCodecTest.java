package dev.photoqueue.worker.job;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MessageCodecTest {

    private static final String DIGEST = "a".repeat(64);
    private final MessageCodec codec = new MessageCodec();

    @Test
    void jobSurvivesARoundTripWithItsUploadTimeAsIsoText() {
        PhotoUploaded job = new PhotoUploaded("p-1", "originals/p-1", DIGEST, Instant.parse("2026-11-28T06:00:00.123Z"),
                "u-7", "Lisbon");
        byte[] json = codec.encode(job);
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"uploadedAt\":\"2026-11-28T06:00:00.123Z\""));
        assertEquals(job, codec.decodeJob(json, "photo.uploaded-0@0"));
    }

    @Test
    void eventsCarryTheirTypeAndSurviveARoundTrip() {
        PhotoProcessed processed = new PhotoProcessed("p-1",
                List.of(new PhotoProcessed.ProcessedVariant("thumb", "photos/p-1/thumb.jpg", 150, 150, 4321)),
                new PhotoProcessed.Timings(1, 2, 3, 4, 10), "w-1", 2, true);
        PhotoFailed failed = new PhotoFailed("p-2", "not an image", 1, true, "w-1");
        String processedJson = new String(codec.encode(processed), StandardCharsets.UTF_8);
        assertTrue(processedJson.contains("\"type\":\"PhotoProcessed\""), processedJson);
        assertEquals(processed, codec.decodeEvent(processedJson.getBytes(StandardCharsets.UTF_8)));
        assertEquals(failed, codec.decodeEvent(codec.encode(failed)));
    }

    @Test
    void perVariantTimesSurviveARoundTripAndEventsWithoutThemDecodeWithNone() {
        PhotoProcessed timed = new PhotoProcessed("p-3",
                List.of(new PhotoProcessed.ProcessedVariant("thumb", "photos/p-3/thumb.jpg", 150, 150, 4321)),
                new PhotoProcessed.Timings(1, 2, 3, 4, 10, Map.of("thumb", 3L)), "w-1", 1, false);
        PhotoProcessed decoded = (PhotoProcessed) codec.decodeEvent(codec.encode(timed));
        assertEquals(Map.of("thumb", 3L), decoded.timings().variantMicros());

        String older = "{\"type\":\"PhotoProcessed\",\"photoId\":\"p-4\",\"variants\":[],\"timings\":"
                + "{\"readMicros\":1,\"decodeMicros\":2,\"renderMicros\":3,\"writeMicros\":4,\"totalMicros\":10},"
                + "\"workerId\":\"w-1\",\"deliveryCount\":1,\"duplicate\":false}";
        PhotoProcessed old = (PhotoProcessed) codec.decodeEvent(older.getBytes(StandardCharsets.UTF_8));
        assertEquals(10, old.timings().totalMicros());
        assertEquals(Map.of(), old.timings().variantMicros(), "an event of a worker that did not time variants");
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        String json = "{\"photoId\":\"p\",\"blob\":\"originals/p\",\"sha256\":\"" + DIGEST
                + "\",\"uploadedAt\":\"2026-01-01T00:00:00Z\",\"camera\":\"X100\"}";
        PhotoUploaded job = codec.decodeJob(json.getBytes(StandardCharsets.UTF_8), "t-0@0");
        assertEquals("p", job.photoId());
        assertNull(job.userId());
    }

    @Test
    void rejectsBytesThatAreNotJsonNamingWhereTheyCameFrom() {
        MalformedJobException e = assertThrows(MalformedJobException.class,
                () -> codec.decodeJob("{not json".getBytes(StandardCharsets.UTF_8), "photo.uploaded-3@42"));
        assertTrue(e.permanent());
        assertEquals("photo.uploaded-3@42", e.source());
        assertTrue(e.getMessage().contains("photo.uploaded-3@42"), e.getMessage());
        assertNull(e.photoId());
    }

    @Test
    void rejectsAJobWithABadDigestNamingThePhoto() {
        String json = "{\"photoId\":\"p-9\",\"blob\":\"originals/p-9\",\"sha256\":\"xyz\","
                + "\"uploadedAt\":\"2026-01-01T00:00:00Z\"}";
        MalformedJobException e = assertThrows(MalformedJobException.class,
                () -> codec.decodeJob(json.getBytes(StandardCharsets.UTF_8), "t-0@1"));
        assertEquals("p-9", e.photoId());
        assertTrue(e.getMessage().contains("'xyz'"), e.getMessage());
    }

    @Test
    void rejectsAJobWithoutAPhotoIdAndAnEmptyMessageAndAJsonArray() {
        String missing = "{\"blob\":\"b\",\"sha256\":\"" + DIGEST + "\",\"uploadedAt\":\"2026-01-01T00:00:00Z\"}";
        assertThrows(MalformedJobException.class, () -> codec.decodeJob(missing.getBytes(StandardCharsets.UTF_8), "t"));
        assertThrows(MalformedJobException.class, () -> codec.decodeJob(new byte[0], "t"));
        assertThrows(MalformedJobException.class, () -> codec.decodeJob("[1,2]".getBytes(StandardCharsets.UTF_8), "t"));
    }
}
