package dev.photoqueue.queue.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class BytesPreviewTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void utf8WithTabsAndLineBreaksIsTextWithItsSizeInBytes() {
        BytesPreview p = BytesPreview.of(utf8("grüße ✓\tcol\r\nnext"));
        assertEquals(new BytesPreview(BytesPreview.Kind.TEXT, 21, "grüße ✓\tcol\r\nnext", null, false), p);
        assertEquals("grüße ✓\tcol\r\nnext", p.summary());
        assertEquals(new BytesPreview(BytesPreview.Kind.TEXT, 0, "", null, false), BytesPreview.of(new byte[0]));
    }

    @Test
    void longTextIsCutAtWholeCodePointsAndSaysSo() {
        String emoji = "\uD83D\uDCF7"; // one code point, two chars, four bytes
        BytesPreview p = BytesPreview.of(utf8("ab" + emoji + "cd"), 3, 8);
        assertEquals(BytesPreview.Kind.TEXT, p.kind());
        assertEquals("ab" + emoji, p.text(), "the camera whole, not half a surrogate pair");
        assertTrue(p.truncated());
        assertEquals(8, p.size());
        assertEquals("ab" + emoji + "\u2026", p.summary());
        assertFalse(BytesPreview.of(utf8("abc"), 3, 8).truncated(), "exactly the limit is whole");
    }

    @Test
    void invalidUtf8AndControlCharactersAreBinaryShownAsSizeAndFirstBytes() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0};
        BytesPreview p = BytesPreview.of(png, 100, 4);
        assertEquals(new BytesPreview(BytesPreview.Kind.BINARY, 10, null, "89504e47", true), p);
        assertEquals("binary, 10 bytes: 89 50 4e 47 \u2026", p.summary());
        assertEquals("binary, 1 byte: 00", BytesPreview.of(new byte[] {0}).summary());

        for (String control : new String[] {"\u0000", "\u001b[31m", "a\u007f", "a\u0085b", "\f"}) {
            assertFalse(BytesPreview.isText(utf8(control)), "valid UTF-8 but a control character: "
                    + Arrays.toString(utf8(control)));
        }
        assertFalse(BytesPreview.isText(new byte[] {(byte) 0xc3}), "a sequence cut short");
        assertFalse(BytesPreview.isText(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), "an encoded surrogate");
    }

    @Test
    void textOrBinaryAgreesWithARoundTripModelOnRandomBytes() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(12)];
            for (int j = 0; j < bytes.length; j++) {
                // mostly ASCII letters and a few of everything else, so that both kinds come up often
                bytes[j] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : (byte) ('a' + random.nextInt(26));
            }
            String decoded = new String(bytes, StandardCharsets.UTF_8);
            boolean valid = Arrays.equals(decoded.getBytes(StandardCharsets.UTF_8), bytes)
                    && decoded.indexOf('\uFFFD') < 0;
            boolean controls = decoded.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n'
                    && c != '\r');
            BytesPreview p = BytesPreview.of(bytes, 5, 3);
            assertEquals(valid && !controls, p.kind() == BytesPreview.Kind.TEXT, Arrays.toString(bytes));
            assertEquals(bytes.length, p.size());
            if (p.kind() == BytesPreview.Kind.BINARY) {
                assertEquals(Math.min(3, bytes.length) * 2, p.hex().length());
                assertEquals(bytes.length > 3, p.truncated());
            } else {
                assertTrue(decoded.startsWith(p.text()));
                assertEquals(decoded.codePointCount(0, decoded.length()) > 5, p.truncated());
            }
        }
    }

    @Test
    void limitsBelowOneAndMismatchedPartsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BytesPreview.of(new byte[1], 0, 4));
        assertTrue(e.getMessage().contains("maxChars 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BytesPreview(BytesPreview.Kind.TEXT, 1, null, "00", false));
        assertThrows(NullPointerException.class, () -> BytesPreview.of(null));
    }
}
