package dev.photoqueue.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.photoqueue.queue.api.DeadLetters;
import dev.photoqueue.queue.api.Header;
import dev.photoqueue.queue.api.Producer;
import dev.photoqueue.queue.api.ProducerRecord;
import dev.photoqueue.queue.api.QueueBackend;
import dev.photoqueue.queue.api.QueueBackends;
import dev.photoqueue.queue.api.RecordMetadata;
import dev.photoqueue.queue.env.FileIO;
import dev.photoqueue.upload.config.AppConfig;
import dev.photoqueue.worker.job.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code GET /api/dlq} on the in-house log: records no worker can read (a binary blob, text that is
 * no job) written to {@code photo.uploaded} by a foreign producer are rejected at once, and each
 * dead letter shows its own offset, where it came from, its key, every header, the reason and a
 * preview of its value, text as text and binary as size and first bytes in hex.
 */
class DeadLetterApiTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private static byte[] png() {
        byte[] bytes = new byte[108];
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
        System.arraycopy(signature, 0, bytes, 0, signature.length);
        for (int i = signature.length; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eachDeadLetterShowsItsOffsetOriginKeyHeadersReasonAndAPreviewOfItsValue() throws Exception {
        AppConfig config = RunningApp.config(dataDir, Map.of("WORKERS", "1", "PARTITIONS", "2"));
        QueueBackend backend = QueueBackends.open(config.backendSettings());
        try (App app = App.start(config, backend, FileIO.local())) {
            TestClient client = new TestClient(app.port(), config.adminToken());
            byte[] png = png();
            String longText = "x".repeat(130);
            RecordMetadata binary;
            RecordMetadata text;
            RecordMetadata cut;
            try (Producer producer = backend.producer()) {
                binary = producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, utf8("scanner-7"), png)
                        .withHeaders(List.of(Header.of("source", "scanner"), new Header("crc", new byte[] {0x12,
                                (byte) 0xab})))).get();
                text = producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, "note-1", "hello\nnot a job")).get();
                cut = producer.send(ProducerRecord.of(Topics.PHOTO_UPLOADED, "note-2", longText)).get();
            }

            JsonNode letters = client.await("/api/dlq", l -> l.size() == 3, WAIT);
            JsonNode scanner = byKey(letters, "scanner-7");
            assertOrigin(scanner, binary);
            assertEquals("scanner-7", scanner.get("photoId").asText(), "no job to read it from: the key");
            assertTrue(scanner.get("reason").asText().contains("not JSON"), scanner.toString());
            assertEquals(List.of("source=scanner", "crc=binary, 2 bytes: 12 ab", "pq.dlq.topic=photo.uploaded",
                    "pq.dlq.partition=" + binary.partition(), "pq.dlq.offset=" + binary.offset()),
                    headers(scanner).subList(0, 5));
            assertTrue(headers(scanner).contains("pq.dlq.error=" + scanner.get("reason").asText()), scanner.toString());
            JsonNode value = scanner.get("value");
            assertEquals("binary", value.get("kind").asText());
            assertEquals(108, value.get("size").asInt());
            assertEquals(HexFormat.of().formatHex(png, 0, 32), value.get("hex").asText());
            assertTrue(value.get("text").isNull(), value.toString());
            assertTrue(value.get("truncated").asBoolean());
            assertTrue(value.get("summary").asText().startsWith("binary, 108 bytes: 89 50 4e 47 0d 0a 1a 0a 08 09"),
                    value.toString());

            JsonNode note = byKey(letters, "note-1");
            assertOrigin(note, text);
            assertEquals(List.of("text", "15", "hello\nnot a job", "false"), preview(note.get("value")));
            assertTrue(note.get("value").get("hex").isNull(), note.toString());
            assertEquals("pq.dlq.topic=photo.uploaded", headers(note).get(0), "no headers of its own");

            JsonNode longNote = byKey(letters, "note-2");
            assertOrigin(longNote, cut);
            assertEquals(List.of("text", "130", "x".repeat(120), "true"), preview(longNote.get("value")));
        }
    }

    private static void assertOrigin(JsonNode letter, RecordMetadata sent) {
        assertEquals(letter.get("id").asLong(), letter.get("offset").asLong(), "id is the dead letter's own offset");
        assertEquals(Topics.PHOTO_UPLOADED, letter.get("originalTopic").asText());
        assertEquals(sent.partition(), letter.get("originalPartition").asInt(), letter.toString());
        assertEquals(sent.offset(), letter.get("originalOffset").asLong(), letter.toString());
        assertEquals(1, letter.get("deliveryCount").asInt(), "rejected at its first delivery: " + letter);
        assertFalse(letter.get("deadLetteredAt").isNull(), letter.toString());
        assertTrue(headers(letter).contains(DeadLetters.GROUP + "=thumbnailers"), letter.toString());
    }

    private static JsonNode byKey(JsonNode letters, String key) {
        for (JsonNode letter : letters) {
            if (key.equals(letter.get("key").asText())) {
                return letter;
            }
        }
        throw new AssertionError("no dead letter with key " + key + " in " + letters);
    }

    private static List<String> headers(JsonNode letter) {
        List<String> headers = new ArrayList<>();
        letter.get("headers").forEach(h -> headers.add(h.get("key").asText() + "=" + h.get("value").asText()));
        return headers;
    }

    private static List<String> preview(JsonNode value) {
        return List.of(value.get("kind").asText(), value.get("size").asText(), value.get("text").asText(),
                value.get("truncated").asText());
    }
}
