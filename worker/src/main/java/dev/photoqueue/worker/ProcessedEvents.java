package dev.photoqueue.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Reads what {@link PhotoStats} counts from a {@code photo.events} record, straight from the JSON
 * tokens: only the top-level fields it needs, skipping the rest (variants, timings) unread into
 * objects. Thread-safe.
 */
final class ProcessedEvents {

    /** The parts of a {@code PhotoProcessed} event that the counts use. */
    record Processed(String photoId, String userId, int deliveryCount) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    private ProcessedEvents() {
    }

    /**
     * The event's counted parts when it is a {@code PhotoProcessed}, null for any other event;
     * {@link IllegalArgumentException} when the bytes are not a JSON object, or a processed event
     * has no photo id.
     */
    static Processed read(byte[] value) {
        String type = null;
        String photoId = null;
        String userId = null;
        int deliveryCount = 0;
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a photo event: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                switch (field) {
                    case "type" -> type = token == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "photoId" -> photoId = token == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "userId" -> userId = token == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "deliveryCount" -> deliveryCount = token == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a photo event: " + e.getMessage(), e);
        }
        if (!"PhotoProcessed".equals(type)) {
            return null;
        }
        if (photoId == null) {
            throw new IllegalArgumentException("a PhotoProcessed event without a photoId");
        }
        return new Processed(photoId, userId, deliveryCount);
    }
}
