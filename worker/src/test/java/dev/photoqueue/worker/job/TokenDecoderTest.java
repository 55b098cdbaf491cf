package dev.photoqueue.worker.job;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link TokenDecoder} reads what data binding reads, the same, and leaves everything else to it. */
class TokenDecoderTest {

    private static final String DIGEST = "0123456789abcdef".repeat(4);
    private final MessageCodec codec = new MessageCodec();
    /** Data binding as {@link MessageCodec} configures it: the reference. */
    private final ObjectMapper binding = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void jobsAndCommonEventsReadAsDataBindingReadsThemWhateverTheInstantsPrecision() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            // instants written with 0, 3, 6 or 9 fraction digits, from 1970 to 2100
            Instant at = Instant.ofEpochSecond(random.nextLong(4_102_444_800L), random.nextInt(4) * 250_000_000
                    + (random.nextBoolean() ? random.nextInt(1_000_000) * 1_000 : 0) + (i % 7 == 0 ? 7 : 0));
            PhotoUploaded job = new PhotoUploaded("p" + i, "originals/p" + i, DIGEST, at, i % 3 == 0 ? null : "u\"é" + i,
                    "Oslo", "n\\ame" + i, i % 2 == 0 ? null : at.minusMillis(i));
            byte[] jobJson = codec.encode(job);
            assertEquals(binding.readValue(jobJson, PhotoUploaded.class), TokenDecoder.job(jobJson));

            Map<String, Long> variantMicros = new LinkedHashMap<>();
            if (i % 2 == 0) {
                variantMicros.put("thumb", (long) i);
                variantMicros.put("medium", 1L << 40);
            }
            PhotoEvent processed = new PhotoProcessed("p" + i, List.of(
                    new PhotoProcessed.ProcessedVariant("thumb", "photos/p" + i + "/thumb.jpg", 150, 150, 1L << 33),
                    new PhotoProcessed.ProcessedVariant("small", "photos/p" + i + "/small.jpg", 320, 240, i)),
                    new PhotoProcessed.Timings(i, 2, 3, 4, 5_000_000_000L, variantMicros), "w" + i, 1 + i % 3,
                    i % 5 == 0, i % 4 == 0 ? null : "u" + i);
            PhotoEvent delivered = new PhotoDelivered("p" + i, 1 + i % 3, "m" + i, i % 6 == 0 ? null : "w",
                    "at-least-once");
            for (PhotoEvent event : List.of(processed, delivered)) {
                byte[] eventJson = codec.encode(event);
                PhotoEvent read = TokenDecoder.event(eventJson);
                assertNotNull(read, new String(eventJson, StandardCharsets.UTF_8));
                assertEquals(binding.readValue(eventJson, PhotoEvent.class), read);
            }
        }
    }

    @Test
    void fieldsInAnyOrderAndUnknownOnesReadAsDataBindingReadsThem() throws Exception {
        byte[] event = json("{\"deliveryCount\":2,\"extra\":{\"a\":[1,{\"b\":null}]},\"photoId\":\"p\","
                + "\"guarantee\":\"exactly-once\",\"type\":\"PhotoDelivered\",\"memberId\":\"m\"}");
        assertEquals(binding.readValue(event, PhotoEvent.class), TokenDecoder.event(event));
        byte[] job = json("{\"uploadedAt\":\"2026-01-02T03:04:05Z\",\"more\":[],\"sha256\":\"" + DIGEST + "\","
                + "\"blob\":\"b\",\"photoId\":\"p\"}");
        assertEquals(binding.readValue(job, PhotoUploaded.class), TokenDecoder.job(job));
    }

    @Test
    void whatItDoesNotReadExactlyIsLeftToDataBinding() {
        String delivered = "{\"type\":\"PhotoDelivered\",\"photoId\":%s,\"deliveryCount\":%s,\"memberId\":\"m\"}";
        assertNull(TokenDecoder.event(json(String.format(delivered, "7", "1"))), "a number for a string");
        assertNull(TokenDecoder.event(json(String.format(delivered, "\"p\"", "null"))), "null for a primitive");
        assertNull(TokenDecoder.event(json(String.format(delivered, "\"p\"", "1.0"))), "a float for an int");
        assertNull(TokenDecoder.event(json(String.format(delivered, "\"p\"", "3000000000"))), "past an int");
        assertNull(TokenDecoder.event(json("{\"type\":\"PhotoDelivered\",\"photoId\":\"p\"}")), "a primitive missing");
        assertNull(TokenDecoder.event(codec.encode(new PhotoFailed("p", "bad", 1, true, "w"))), "another event type");
        assertNull(TokenDecoder.event(json(String.format(delivered, "\"p\"", "1") + " {}")), "more after the object");
        assertNull(TokenDecoder.event(json("not json")));
        String job = "{\"photoId\":\"p\",\"blob\":\"b\",\"sha256\":\"" + DIGEST + "\",\"uploadedAt\":%s}";
        for (String instant : List.of("\"2026-01-02T03:04:05+01:00\"", "\"2026-01-02T03:04:05.Z\"", "1767323045",
                "\"2026-02-30T03:04:05Z\"", "\"2026-01-02T24:00:00Z\"", "\"+12026-01-02T03:04:05Z\"")) {
            assertNull(TokenDecoder.job(json(String.format(job, instant))), instant);
        }
        assertNull(TokenDecoder.job(json(String.format(job, "\"2026-01-02T03:04:05Z\"").replace(DIGEST, "abc"))),
                "an invalid job: data binding names what is wrong");
        assertNotNull(TokenDecoder.job(json(String.format(job, "\"2026-01-02T03:04:05Z\""))), "the valid one");
    }
}
