package dev.photoqueue.queue.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How the bytes of a record (its key, its value, a header's value) are shown to a person, as
 * Kafka's UIs show messages: as text when they are text, else as their size and first bytes in
 * hex, in both cases cut to a preview's length. One rule decides for every tool that shows records
 * ({@code pq dlq}, the upload API's dead letters): bytes are text when they are valid UTF-8 and
 * hold no control character but tab, line feed and carriage return; anything else (an image, a
 * serialised object, a stray 0x00) is binary. Immutable.
 *
 * @param kind      text or binary, by {@link #isText}
 * @param size      how many bytes there are, whatever the preview shows of them
 * @param text      the text, at most the characters asked for (whole code points); null for binary
 * @param hex       the first bytes as lower-case hex digits, two a byte; null for text
 * @param truncated whether {@code text} or {@code hex} shows less than all the bytes
 */
public record BytesPreview(Kind kind, int size, String text, String hex, boolean truncated) {

    /** Whether the bytes read as text. */
    public enum Kind {
        TEXT,
        BINARY
    }

    /** Characters of text a preview shows by default: a line or two of a JSON job. */
    public static final int DEFAULT_MAX_CHARS = 120;
    /** Bytes of binary a preview shows by default: enough for a file's magic number and more. */
    public static final int DEFAULT_MAX_BYTES = 32;
    /** Appended to a text cut short: the mark of a truncated preview. */
    public static final String ELLIPSIS = "\u2026";

    public BytesPreview {
        Objects.requireNonNull(kind, "kind");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
        if ((kind == Kind.TEXT) != (text != null) || (kind == Kind.BINARY) != (hex != null)) {
            throw new IllegalArgumentException("a " + kind + " preview has " + (kind == Kind.TEXT ? "text" : "hex")
                    + " only; got text " + (text != null) + ", hex " + (hex != null));
        }
    }

    /** The preview of {@code bytes} with {@link #DEFAULT_MAX_CHARS} and {@link #DEFAULT_MAX_BYTES}. */
    public static BytesPreview of(byte[] bytes) {
        return of(bytes, DEFAULT_MAX_CHARS, DEFAULT_MAX_BYTES);
    }

    /**
     * The preview of {@code bytes}: text cut to {@code maxChars} code points, or binary's first
     * {@code maxBytes} bytes. {@link IllegalArgumentException} for limits below 1.
     */
    public static BytesPreview of(byte[] bytes, int maxChars, int maxBytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (maxChars < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("a preview shows at least 1 character and 1 byte; got maxChars "
                    + maxChars + ", maxBytes " + maxBytes);
        }
        String text = textOrNull(bytes);
        if (text == null) {
            int shown = Math.min(bytes.length, maxBytes);
            return new BytesPreview(Kind.BINARY, bytes.length, null, hex(bytes, shown), shown < bytes.length);
        }
        if (text.codePointCount(0, text.length()) <= maxChars) {
            return new BytesPreview(Kind.TEXT, bytes.length, text, null, false);
        }
        return new BytesPreview(Kind.TEXT, bytes.length, text.substring(0, text.offsetByCodePoints(0, maxChars)),
                null, true);
    }

    /** Whether {@code bytes} are text: valid UTF-8 without control characters but tab, LF and CR. */
    public static boolean isText(byte[] bytes) {
        return textOrNull(Objects.requireNonNull(bytes, "bytes")) != null;
    }

    /** {@code bytes} decoded, when they are text by {@link #isText}; else null. */
    private static String textOrNull(byte[] bytes) {
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return null;
            }
        }
        return text;
    }

    /** The first {@code count} bytes as lower-case hex digits, two a byte, no separators. */
    private static String hex(byte[] bytes, int count) {
        StringBuilder sb = new StringBuilder(count * 2);
        for (int i = 0; i < count; i++) {
            sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return sb.toString();
    }

    /**
     * The preview on one line, for a cell or a tooltip: the text, with {@link #ELLIPSIS} when cut;
     * or "binary, N bytes: 89 50 4e 47", with " ..." when there are more. Line breaks stay in the
     * text; a caller that needs one physical line escapes them.
     */
    public String summary() {
        if (kind == Kind.TEXT) {
            return truncated ? text + ELLIPSIS : text;
        }
        StringBuilder sb = new StringBuilder("binary, ").append(size).append(size == 1 ? " byte" : " bytes");
        if (!hex.isEmpty()) {
            sb.append(':');
            for (int i = 0; i < hex.length(); i += 2) {
                sb.append(' ').append(hex, i, i + 2);
            }
        }
        return truncated ? sb.append(' ').append(ELLIPSIS).toString() : sb.toString();
    }
}
