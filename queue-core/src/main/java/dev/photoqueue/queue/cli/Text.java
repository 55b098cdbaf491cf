package dev.photoqueue.queue.cli;

import dev.photoqueue.queue.api.BytesPreview;

import java.nio.charset.StandardCharsets;

/**
 * How pq writes counts and record bytes. Whether bytes are text or binary is
 * {@link BytesPreview}'s rule, the same as the upload API's; this class only words the result for
 * a terminal.
 */
final class Text {

    /** Bytes a line of {@link #hexDump} shows. */
    private static final int DUMP_WIDTH = 16;

    private Text() {
    }

    /** "1 record", "2 records". */
    static String records(long count) {
        return count(count, "record");
    }

    /** The count and the noun, with an "s" unless the count is one. */
    static String count(long count, String noun) {
        return count(count, noun, noun + "s");
    }

    static String count(long count, String singular, String plural) {
        return count + " " + (count == 1 ? singular : plural);
    }

    /**
     * Bytes whole, on one line, so that they read back unambiguously: text double-quoted with
     * {@code "}, {@code \} and line breaks escaped; binary as {@code 0x...}.
     */
    static String quote(byte[] bytes) {
        return BytesPreview.isText(bytes) ? quote(new String(bytes, StandardCharsets.UTF_8)) : "0x" + hex(bytes);
    }

    /** A preview on one line: quoted text or {@code 0x...} and the size, with "…" where it was cut. */
    static String quote(BytesPreview preview) {
        if (preview.kind() == BytesPreview.Kind.TEXT) {
            return quote(preview.text()) + (preview.truncated() ? BytesPreview.ELLIPSIS : "");
        }
        return "0x" + preview.hex() + (preview.truncated() ? BytesPreview.ELLIPSIS : "") + " ("
                + count(preview.size(), "byte") + ")";
    }

    /** Text double-quoted, with {@code "}, {@code \} and control characters escaped. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Bytes as {@code hexdump -C} shows them: per line of 16 the offset (8 hex digits), the bytes in
     * hex in two groups of 8, and between bars the printable ASCII ones, a dot for the others.
     * Every line ends with a newline; no bytes make no lines.
     */
    static String hexDump(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < bytes.length; line += DUMP_WIDTH) {
            sb.append(String.format("%08x ", line));
            StringBuilder ascii = new StringBuilder(DUMP_WIDTH);
            for (int i = line; i < line + DUMP_WIDTH; i++) {
                sb.append(i - line == DUMP_WIDTH / 2 ? "  " : " ");
                if (i < bytes.length) {
                    int b = bytes[i] & 0xff;
                    sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
                    ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
                } else {
                    sb.append("  ");
                }
            }
            sb.append("  |").append(ascii).append("|\n");
        }
        return sb.toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
