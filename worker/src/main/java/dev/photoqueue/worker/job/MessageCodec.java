package dev.photoqueue.worker.job;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON for jobs and events. Instants are ISO-8601 strings; unknown fields are ignored so that
 * newer producers can add fields. Thread-safe and stateless after construction: share one.
 */
public final class MessageCodec {

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public byte[] encode(PhotoUploaded job) {
        return write(job);
    }

    public byte[] encode(PhotoEvent event) {
        return write(event);
    }

    /**
     * Reads a job. {@link MalformedJobException} (naming {@code source} and, when it can be read,
     * the photo id) for bytes that are not JSON or not a valid job.
     */
    public PhotoUploaded decodeJob(byte[] value, String source) {
        if (value == null || value.length == 0) {
            throw new MalformedJobException(source, null, "empty message", null);
        }
        PhotoUploaded read = TokenDecoder.job(value); // the common form, read from the tokens by hand
        if (read != null) {
            return read;
        }
        try {
            // straight from the tokens into the record; only a job that fails is read again as a
            // tree, to name what is wrong with it and its photo id
            PhotoUploaded job = mapper.readValue(value, PhotoUploaded.class);
            if (job != null) {
                return job;
            }
        } catch (IOException | IllegalArgumentException e) {
            // told below
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(value);
        } catch (JacksonException e) {
            throw new MalformedJobException(source, null, "not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array failed", e);
        }
        if (!tree.isObject()) {
            throw new MalformedJobException(source, null, "not a JSON object", null);
        }
        String photoId = tree.path("photoId").isTextual() ? tree.get("photoId").asText() : null;
        try {
            return mapper.treeToValue(tree, PhotoUploaded.class);
        } catch (JacksonException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String detail = cause instanceof IllegalArgumentException || cause instanceof NullPointerException
                    ? "invalid field: " + cause.getMessage() : e.getOriginalMessage();
            throw new MalformedJobException(source, photoId, detail, e);
        } catch (IllegalArgumentException e) {
            throw new MalformedJobException(source, photoId, "invalid field: " + e.getMessage(), e);
        }
    }

    /** Reads an event; {@link IllegalArgumentException} when the bytes are not one. */
    public PhotoEvent decodeEvent(byte[] value) {
        PhotoEvent read = TokenDecoder.event(value); // the common events, read from the tokens by hand
        if (read != null) {
            return read;
        }
        try {
            return mapper.readValue(value, PhotoEvent.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a photo event: " + e.getMessage(), e);
        }
    }

    private byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JacksonException e) {
            // records of strings, numbers and instants always serialise; this is a programming error
            throw new UncheckedIOException(e);
        }
    }
}
