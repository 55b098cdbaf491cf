package dev.photoqueue.queue.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** How pq writes counts and raw bytes in its one-line outputs. */
final class Text {

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
     * Bytes as a double-quoted string that fits on one line and reads back unambiguously: UTF-8 text
     * as is, {@code "} and {@code \} escaped, control characters as {@code \n}, {@code \t},
     * {@code \}{@code uXXXX}; bytes that are not UTF-8 make the whole value hex, as {@code 0x...}.
     */
    static String quote(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars;
        try {
            chars = decoder.decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return hex(bytes);
        }
        StringBuilder sb = new StringBuilder(chars.length() + 2).append('"');
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
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

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(2 + bytes.length * 2).append("0x");
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
